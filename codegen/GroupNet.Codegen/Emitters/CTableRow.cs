namespace GroupNet.Codegen.Emitters;

/// <summary>One line of a <see cref="CTable"/>: literals and an optional comment.</summary>
public sealed record CTableRow(string Text, string Note);
