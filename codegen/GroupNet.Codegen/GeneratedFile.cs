namespace GroupNet.Codegen;

/// <summary>One emitted file: a name relative to the output folder and its exact text.</summary>
public sealed record GeneratedFile(string FileName, string Content);
