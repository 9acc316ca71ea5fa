namespace GroupNet.Firmware;

/// <summary>One function's own stack frame.</summary>
/// <param name="Function">Name as in GCC's call graph (static functions as <c>file.c:name</c>).</param>
/// <param name="FrameBytes">Bytes of its frame (<c>-fstack-usage</c>).</param>
public sealed record StackFrame(string Function, long FrameBytes);
