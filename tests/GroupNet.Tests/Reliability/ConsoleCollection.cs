namespace GroupNet.Tests.Reliability;

/// <summary>Tests that run the CLI in-process redirect the process-wide console and working folder, so they
/// run alone, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
