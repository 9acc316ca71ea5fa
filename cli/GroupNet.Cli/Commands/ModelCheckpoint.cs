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

    /// <summary>The Group-Net v1 configuration the exporter needs; a checkpoint of another structure is an
    /// <see cref="ExportException"/> naming it.</summary>
    public static GroupNetV1Config ConfigOf(CheckpointData data, string path)
    {
        if (data.Metadata.Contains($"\"{nameof(ModelConfig.Network)}\"", StringComparison.Ordinal))
        {
            var config = ModelConfigOf(data, path);
            return ModelFactory.AsGroupNetV1(config) ?? throw new ExportException(
                $"{path}: structure {config.Describe()} cannot be exported yet (the exporter handles Group-Net v1 and the baseline on the tiny network with float first and last layers)");
        }
        return V1ConfigOf(data, path);
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

    /// <summary>Rebuilds the Group-Net v1 a checkpoint was written from and loads its weights.</summary>
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
