using System.CommandLine;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Training;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet evaluate MODEL [--data DIR | --config RUN.yaml] [--json]`: top-1 accuracy on the test set of the
/// integer reference (a .gndm) or of the trained float model itself (a .ckpt, eval mode), so the two can be compared
/// on the same images (bench/fidelity).</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm), or a checkpoint (.ckpt) to evaluate the float model" };
        var data = DataOptions.DataFolder();
        var runConfig = DataOptions.RunConfigFile();
        var first = new Option<int?>("--first") { Description = "only the first N test images" }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "print {\"model\", \"arithmetic\", \"images\", \"correct\", \"top1\"} instead of a sentence" };
        var command = new Command("evaluate", "Accuracy of the managed integer reference (.gndm) or of the float model (.ckpt) on the test set");
        command.Arguments.Add(model);
        command.Options.Add(data);
        command.Options.Add(runConfig);
        command.Options.Add(first);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!.FullName;
            var test = DataOptions.Load(parse.GetValue(data)!, parse.GetValue(runConfig)).Test;
            int n = parse.GetValue(first) ?? test.Count;
            if (n > test.Count)
            {
                throw new UserInputException($"--first {n}: the test set holds {test.Count} images; 1 to {test.Count} is accepted");
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            bool isCheckpoint = path.EndsWith(".ckpt", StringComparison.OrdinalIgnoreCase);
            int correct;
            if (isCheckpoint)
            {
                using var context = new TrainingContext();
                var floatModel = ModelCheckpoint.Load(path, context);
                correct = ModelTrainer.Evaluate(floatModel, n == test.Count ? test : test.Take(n)).Correct;
            }
            else
            {
                var logits = new ReferenceExecutor(ModelFile.Load(path)).InferMany(test.ImageBytes(0, n));
                correct = Enumerable.Range(0, n).Count(i => ArgMax(logits[i]) == test.Labels[i]);
            }
            string arithmetic = isCheckpoint ? "float" : "integer";
            if (parse.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { model = path, arithmetic, images = n, correct, top1 = (double)correct / n }));
            }
            else
            {
                string what = isCheckpoint ? "float model" : "integer reference";
                Console.WriteLine($"{what} accuracy: {100.0 * correct / n:F2}% ({correct}/{n} test images, {watch.Elapsed.TotalSeconds:F1} s)");
            }
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
