using System.Text.Json;
using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Checkpoints;

/// <summary>
/// A state dict written by PyTorch itself (<c>torch.save(model.state_dict())</c> of a PyTorch module with our names,
/// scripts/make-pytorch-golden.py, PyTorch 1.13) loads into a <see cref="GroupNetModel"/> with the values PyTorch wrote,
/// and the model computes PyTorch's eval-mode logits. Golden files: Trainer/Golden/pytorch-tiny-v1-k2.{pt,json},
/// regenerated only by running the script.
/// </summary>
public class PyTorchGoldenTests(ITestOutputHelper output)
{
    private static readonly ModelConfig Config = new(NetworkKind.Tiny, StructureKind.V1, 2, 1, 2);

    private static string Golden(string file) => Path.Combine(AppContext.BaseDirectory, "Trainer", "Golden", file);

    private static JsonElement Json() => JsonDocument.Parse(File.ReadAllText(Golden("pytorch-tiny-v1-k2.json"))).RootElement;

    private static GroupNetModel LoadGolden(TrainingContext context, out CheckpointData data)
    {
        var path = Golden("pytorch-tiny-v1-k2.pt");
        data = Checkpoint.Read(path);
        var model = ModelFactory.Create(Config, context);
        Checkpoint.LoadModelState(path, model, data.ModelState);
        return model;
    }

    [Fact]
    public void A_state_dict_saved_by_PyTorch_loads_with_the_values_PyTorch_wrote()
    {
        var json = Json();
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = LoadGolden(context, out var data);
        data.Epoch.Should().Be(0, "a plain state dict has no epoch count");
        data.Metadata.Should().BeEmpty();
        data.OptimizerState.Should().BeNull();
        data.ModelState.Should().HaveCount(json.GetProperty("entries").GetInt32());
        data.ModelState.Keys.Should().BeEquivalentTo(model.state_dict().Keys, "PyTorch's names are ours");

        var state = model.state_dict();
        foreach (var sum in json.GetProperty("sums").EnumerateObject())
        {
            double actual = state[sum.Name].to(ScalarType.Float64).sum().item<double>();
            double expected = sum.Value.GetDouble();
            actual.Should().BeApproximately(expected, 1e-9 * Math.Max(1, Math.Abs(expected)), $"sum of {sum.Name}: actual {actual:R}, expected {expected:R}");
        }
        foreach (var first in json.GetProperty("first").EnumerateObject())
        {
            float actual = state[first.Name].flatten()[0].item<float>();
            actual.Should().Be((float)first.Value.GetDouble(), $"first element of {first.Name}");
        }
        long zeros = state.Where(e => e.Key.Contains(".bases.", StringComparison.Ordinal) && e.Key.EndsWith("weight", StringComparison.Ordinal))
            .Sum(e => e.Value.eq(0).sum().item<long>());
        zeros.Should().Be(json.GetProperty("zero_weights").GetInt64(), "the exact zeros (and negative zeros) of the binary weights survive");
        var counters = json.GetProperty("counters").EnumerateObject().ToList();
        counters.Should().HaveCount(model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Count());
        foreach (var counter in counters)
        {
            state[counter.Name].dtype.Should().Be(ScalarType.Int64);
            state[counter.Name].item<long>().Should().Be(counter.Value.GetInt64(), counter.Name);
        }
    }

    /// <summary>The script chose inputs whose every quantiser input stays at least min_step_margin (3e-5) away from a
    /// rounding step, so LibTorch 2.10 and PyTorch 1.13, which may differ in the last bits of a convolution, quantise
    /// alike and the logits agree to float rounding. Every 29th binary weight is an exact (negative) zero, so the
    /// sign(0) = +1 convention is part of the comparison.</summary>
    [Fact]
    public void Eval_mode_logits_of_the_PyTorch_weights_equal_PyTorchs()
    {
        var json = Json();
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = LoadGolden(context, out _);
        using var scope = NewDisposeScope();
        var shape = json.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var input = tensor(json.GetProperty("input").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(), shape);
        var expected = json.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        json.GetProperty("min_step_margin").GetDouble().Should().BeGreaterThan(1e-5);

        model.eval();
        float[] logits;
        using (no_grad())
        {
            logits = Floats(model.forward(input));
        }
        int classes = expected[0].Length;
        logits.Should().HaveCount(expected.Length * classes);
        var mismatches = new List<string>();
        double worst = 0;
        for (int n = 0; n < expected.Length; n++)
        {
            for (int c = 0; c < classes; c++)
            {
                double actual = logits[n * classes + c];
                worst = Math.Max(worst, Math.Abs(actual - expected[n][c]));
                if (Math.Abs(actual - expected[n][c]) > 1e-4)
                {
                    mismatches.Add($"image {n} class {c}: actual {actual:R}, expected {expected[n][c]:R}");
                }
            }
        }
        output.WriteLine($"largest |LibTorch - PyTorch| over {logits.Length} logits: {worst:E2}");
        mismatches.Should().BeEmpty($"{mismatches.Count} logits differ by more than 1e-4, first: {string.Join("; ", mismatches.Take(5))}");
    }
}
