using System.Text.Json;
using System.Text.Json.Serialization;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Commands;

/// <summary>
/// A checkpoint's metadata is the <see cref="ModelConfig"/> as JSON, so `export`, `evaluate` and `--resume` can rebuild
/// the model the weights belong to.
/// </summary>
public static class ModelCheckpoint
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static string Metadata(ModelConfig config) => JsonSerializer.Serialize(config, Json);

    /// <summary>The model configuration of a checkpoint this tool wrote.</summary>
    public static ModelConfig ModelConfigOf(CheckpointData data, string path)
    {
        if (data.Metadata.Length == 0)
        {
            throw new InvalidDataException($"{path}: the checkpoint names no model configuration (a plain state dict); "
                + "load it into a model built from a configuration instead");
        }
        try
        {
            var config = JsonSerializer.Deserialize<ModelConfig>(data.Metadata, Json)
                ?? throw new InvalidDataException($"{path}: checkpoint metadata holds no model configuration");
            config.Validate();
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint metadata is not a model configuration ({e.Message})");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{path}: checkpoint metadata is not a valid model configuration ({e.Message})");
        }
    }

    /// <summary>Rebuilds the model a checkpoint was written from and loads its weights.</summary>
    public static GroupNetModel Load(string path, TrainingContext context)
    {
        var data = Checkpoint.Read(path);
        var config = ModelConfigOf(data, path);
        var model = ModelFactory.Create(config, context);
        Checkpoint.LoadModelState(path, model, data.ModelState);
        return model;
    }
}
