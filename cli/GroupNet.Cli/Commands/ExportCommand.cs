using System.CommandLine;
using GroupNet.Deployment.Format;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet export CHECKPOINT --out MODEL.gndm`: fold the trained network into the integer program.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "checkpoint written by `groupnet train` or `groupnet ablate`" };
        var data = DataOptions.DataFolder();
        var runConfig = DataOptions.RunConfigFile();
        var name = new Option<string>("--name") { Description = "model name (a C identifier: gn_<name>_infer)", DefaultValueFactory = _ => "tiny" };
        var calibration = new Option<int>("--calibration") { Description = "training images used to scale the 8-bit classifier input", DefaultValueFactory = _ => 2000 }.AtLeast(1);
        var output = new Option<FileInfo>("--out") { Description = "deployment model file (.gndm), written atomically", Required = true }.FileToWrite();
        var command = new Command("export", "Export a trained checkpoint to an integer-only deployment model");
        command.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { data, runConfig, name, calibration, output })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            string path = parse.GetValue(checkpoint)!.FullName;
            using var context = new TrainingContext();
            var model = ModelCheckpoint.Load(path, context);
            var train = DataOptions.Load(parse.GetValue(data)!, parse.GetValue(runConfig)).Train;
            int n = Math.Clamp(parse.GetValue(calibration), 1, train.Count);
            // Evenly spaced images, so a class-ordered training set still calibrates on every class.
            var subset = ExperimentData.Subset(train, n);
            var images = subset.ImageBytes(0, subset.Count);
            var deployed = new GroupNetExporter().Export(model, parse.GetValue(name)!, $"Group-Net {model.Config.Describe()}", images);
            string outPath = parse.GetValue(output)!.FullName;
            ModelFile.Save(deployed, outPath);
            Console.WriteLine($"exported {deployed.Name}: {deployed.Layers.Length} integer layers + 8-bit head, {new FileInfo(outPath).Length:N0} bytes, hash {ModelFile.Hash(deployed)[..16]} -> {outPath}");
            return 0;
        });
        return command;
    }
}
