using System.Text.Json;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Commands;

/// <summary>A checkpoint's metadata is the model configuration as JSON, so `export` can rebuild the model.</summary>
public static class ModelCheckpoint
{
    public static string Metadata(GroupNetV1Config config) => JsonSerializer.Serialize(config);

    public static GroupNetV1Config ConfigOf(CheckpointData data, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<GroupNetV1Config>(data.Metadata)
                ?? throw new InvalidDataException($"{path}: checkpoint metadata holds no model configuration");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint metadata is not a model configuration ({e.Message})");
        }
    }

    /// <summary>Rebuilds the model a checkpoint was written from and loads its weights.</summary>
    public static GroupNetV1 Load(string path, TrainingContext context)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: checkpoint not found", path);
        }
        var data = Checkpoint.Read(path);
        var config = ConfigOf(data, path);
        config.Validate();
        var model = new GroupNetV1(context, config);
        model.LoadStateDict(data.ModelState);
        return model;
    }
}
