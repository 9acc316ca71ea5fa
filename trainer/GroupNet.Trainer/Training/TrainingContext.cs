using GroupNet.Trainer.Native;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Training;

/// <summary>
/// Where and how a run computes: the seed of its weight initialisation (an explicit LibTorch generator, never the
/// global one), the intra-op thread count LibTorch uses, and the device. LibTorch's thread count is process-wide,
/// so creating a context sets it; runs in one process should not use different counts at the same time.
/// The same seed and thread count give the same weights on one machine.
/// </summary>
public sealed class TrainingContext : IDisposable
{
    /// <summary>Creates the context; <paramref name="threads"/> 0 means every core; <paramref name="device"/> "cpu" or "cuda".</summary>
    public TrainingContext(int seed = 0, int threads = 0, string device = "cpu")
    {
        TorchSharpNative.EnsureLoaded();
        NativeHeap.KeepFreedMemory();
        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be >= 0 (0 = every core)");
        }
        Seed = seed;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        Device = ParseDevice(device);
        set_num_threads(Threads);
        Generator = new Generator((ulong)seed);
    }

    /// <summary>Seed of the weight initialisation, the data order and the augmentation.</summary>
    public int Seed { get; }

    /// <summary>LibTorch intra-op threads.</summary>
    public int Threads { get; }

    /// <summary>Where tensors live and compute.</summary>
    public Device Device { get; }

    /// <summary>Generator of the weight initialisation and parent noise (CPU; tensors move to <see cref="Device"/> after).</summary>
    public Generator Generator { get; }

    /// <summary>"cpu" or "cuda" (the first GPU); CUDA only where a TorchSharp CUDA package provides it.</summary>
    public static Device ParseDevice(string name) => name.Trim().ToLowerInvariant() switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new ArgumentException("--device cuda: no CUDA device is available to LibTorch here (this build uses the CPU package "
            + "TorchSharp-cpu; reference a TorchSharp CUDA package and run on a machine with an NVIDIA GPU)", nameof(name)),
        _ => throw new ArgumentException($"unknown device '{name}': use cpu or cuda", nameof(name)),
    };

    /// <inheritdoc/>
    public void Dispose() => Generator.Dispose();
}
