using System.CommandLine;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet evaluate MODEL --data DIR`: top-1 accuracy of the integer reference on the test set.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm)" };
        var data = DataOptions.DataFolder();
        var first = new Option<int?>("--first") { Description = "only the first N test images" };
        var command = new Command("evaluate", "Accuracy of the managed integer reference on the test set");
        command.Arguments.Add(model);
        command.Options.Add(data);
        command.Options.Add(first);
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var test = MnistIdx.LoadSplit(parse.GetValue(data)!.FullName, train: false);
            int n = Math.Min(parse.GetValue(first) ?? test.Count, test.Count);
            var executor = new ReferenceExecutor(m);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var logits = executor.InferMany(test.ImageBytes(0, n));
            int correct = Enumerable.Range(0, n).Count(i => ArgMax(logits[i]) == test.Labels[i]);
            Console.WriteLine($"integer reference accuracy: {100.0 * correct / n:F2}% ({correct}/{n} test images, {watch.Elapsed.TotalSeconds:F1} s)");
            return 0;
        });
        return command;
    }

    /// <summary>Index of the largest logit; ties go to the lowest index (as the firmware's argmax).</summary>
    public static int ArgMax(int[] logits)
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
            {
                best = j;
            }
        }
        return best;
    }
}
