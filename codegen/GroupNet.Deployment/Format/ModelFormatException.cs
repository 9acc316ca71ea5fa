namespace GroupNet.Deployment.Format;

/// <summary>A model file that cannot be read: wrong magic, version, checksum, or a malformed field.
/// The message names the file and the field.</summary>
public sealed class ModelFormatException(string message, Exception? inner = null) : Exception(message, inner);
