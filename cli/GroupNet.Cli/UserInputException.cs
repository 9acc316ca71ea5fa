namespace GroupNet.Cli;

/// <summary>A command-line argument that cannot be used; the message says what to change.</summary>
public sealed class UserInputException(string message) : Exception(message);
