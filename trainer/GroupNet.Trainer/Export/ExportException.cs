namespace GroupNet.Trainer.Export;

/// <summary>A trained model that cannot become an integer program; the message says what to change.</summary>
public sealed class ExportException(string message) : Exception(message);
