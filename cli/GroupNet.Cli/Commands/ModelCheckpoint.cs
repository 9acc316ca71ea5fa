using System.Text.Json;
using System.Text.Json.Serialization;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Commands;

/// <summary>
/// A checkpoint's metadata is the model configuration as JSON, so `export` can rebuild the model: a
/// <see cref="GroupNetV1Config"/> (flag-based `train`) or a <see cref="ModelConfig"/> (`train --config`, `ablate`;
/// recognised by its "Network" field).
/// </summary>
public static class ModelCheckpoint
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static string Metadata(GroupNetV1Config config) => JsonSerializer.Serialize(config);

    public static string Metadata(ModelConfig config) => JsonSerializer.Serialize(config, Json);

    /// <summary>The model configuration of any checkpoint this tool writes.</summary>
    public static ModelConfig ModelConfigOf(CheckpointData data, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(data.Metadata);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(nameof(ModelConfig.Network), out _))
            {
                return JsonSerializer.Deserialize<ModelConfig>(data.Metadata, Json)
                    ?? throw new InvalidDataException($"{path}: checkpoint metadata holds no model configuration");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint metadata is not a model configuration ({e.Message})");
        }
        return ModelFactory.FromGroupNetV1(V1ConfigOf(data, path));
    }

    private static GroupNetV1Config V1ConfigOf(CheckpointData data, string path)
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

    /// <summary>Rebuilds the model a checkpoint was written from as a <see cref="GroupNetModel"/> (whose member names
    /// equal <see cref="GroupNetV1"/>'s for the configurations that class builds) and loads its weights.</summary>
    public static GroupNetModel Load(string path, TrainingContext context)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: checkpoint not found", path);
        }
        var data = Checkpoint.Read(path);
        var config = ModelConfigOf(data, path);
        var model = new GroupNetModel(context, config);
        model.LoadStateDict(data.ModelState);
        return model;
    }
}
