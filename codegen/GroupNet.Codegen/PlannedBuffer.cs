namespace GroupNet.Codegen;

/// <summary>One static buffer: C name, element type, element count and the tensors it holds in turn.</summary>
public sealed record PlannedBuffer(string CName, string CType, int Size, IReadOnlyList<int> Tensors);
