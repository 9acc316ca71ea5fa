namespace GroupNet.Tests.Trainer;

/// <summary>LibTorch's intra-op thread count is process-wide and every <c>TrainingContext</c> sets it. Tests that
/// compare results bit for bit across runs (or across thread counts) run in this collection: alone, after the
/// parallel collections, so no other test changes the count in the middle of a run.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadsCollection
{
    public const string Name = "LibTorch thread count";
}
