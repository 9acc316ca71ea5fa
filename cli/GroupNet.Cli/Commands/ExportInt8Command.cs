using System.CommandLine;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet export-int8 CHECKPOINT --out MODEL.gndm [--evaluate]`: quantise the full-precision parent to
/// an int8 network (the comparison point for Group-Net), optionally printing float and int8 test accuracy.</summary>
public static class ExportInt8Command
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "checkpoint of the full-precision parent (train --bases 1 --bits 32)" };
        var data = DataOptions.DataFolder();
        var name = new Option<string>("--name") { Description = "model name (a C identifier: gn_<name>_infer)", DefaultValueFactory = _ => "tiny_int8" };
        var calibration = new Option<int>("--calibration") { Description = "training images used to scale the 8-bit classifier input", DefaultValueFactory = _ => 2000 }.AtLeast(1);
        var output = new Option<FileInfo>("--out") { Description = "deployment model file (.gndm), written atomically", Required = true }.FileToWrite();
        var evaluate = new Option<bool>("--evaluate") { Description = "print the float model's and the int8 reference's top-1 accuracy on the test set" };
        var command = new Command("export-int8", "Quantise a full-precision checkpoint to an int8 deployment model");
        command.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { data, name, calibration, output, evaluate })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            string path = parse.GetValue(checkpoint)!.FullName;
            using var context = new TrainingContext();
            var model = ModelCheckpoint.Load(path, context);
            if (!model.Config.IsFullPrecision || model.Config.Bases != 1)
            {
                throw new UserInputException($"{path} is a K={model.Config.Bases}, {model.Config.ActivationBits}-bit model; export-int8 takes the full-precision parent (--bases 1 --bits 32)");
            }
            string dataDir = parse.GetValue(data)!.FullName;
            var train = DataOptions.LoadSplit(dataDir, train: true);
            int n = Math.Clamp(parse.GetValue(calibration), 1, train.Count);
            var deployed = new Int8Exporter().Export(ParentParams.From(model), parse.GetValue(name)!,
                "int8 network of the full-precision parent (uint8 activations, int8 weights per channel)", train.ImageBytes(0, n));
            string outPath = parse.GetValue(output)!.FullName;
            ModelFile.Save(deployed, outPath);
            Console.WriteLine($"exported {deployed.Name}: {deployed.Layers.Length} int8 layers + 8-bit head, {new FileInfo(outPath).Length:N0} bytes, hash {ModelFile.Hash(deployed)[..16]} -> {outPath}");
            if (parse.GetValue(evaluate))
            {
                var test = DataOptions.LoadSplit(dataDir, train: false);
                model.eval();
                Console.WriteLine($"float model test accuracy: {100 * GroupNet.Trainer.Training.Trainer.Evaluate(model, test).Accuracy:F2}% ({test.Count} test images)");
                var logits = new ReferenceExecutor(deployed).InferMany(test.ImageBytes(0, test.Count));
                int correct = Enumerable.Range(0, test.Count).Count(i => EvaluateCommand.ArgMax(logits[i]) == test.Labels[i]);
                Console.WriteLine($"int8 reference test accuracy: {100.0 * correct / test.Count:F2}% ({correct}/{test.Count} test images)");
            }
            return 0;
        });
        return command;
    }
}
