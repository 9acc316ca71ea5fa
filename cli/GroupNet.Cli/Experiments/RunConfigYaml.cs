using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Reads and writes <see cref="RunConfig"/> as YAML. Keys are camelCase; every key is optional except that a run
/// needs a name (in a grid, every run does). Example:
/// <code>
/// name: v1-k5-w1a2
/// dataset: fashion-mnist      # mnist | fashion-mnist
/// data: .cache/fashion-mnist  # optional folder (default: the setup script's cache)
/// trainCount: 0               # 0 = all training images; otherwise an evenly spaced subset
/// testCount: 0
/// seed: 1
/// batch: 128
/// model: { network: tiny, structure: v1, bases: 5, weightBits: 1, activationBits: 2, firstLast: fp32 }
/// recipe: { epochs: 10, lr: 0.05, schedule: cosine, stepEpochs: 0, momentum: 0.9, weightDecay: 0.0001,
///           warmupSteps: 0, parent: fp, parentNoise: 0.1, quantizationLoss: 0, bnBatches: 20,
///           optimizer: sgd, maxGradNorm: 0 }  # optimizer: sgd (Nesterov), adam or adamw; maxGradNorm 0 = no clipping
/// augmentation: { shift: 2, flip: true }
/// </code>
/// Errors are <see cref="InvalidDataException"/>s whose message names the source and the field, e.g.
/// "grid.yaml: runs[2].model.activationBits: 3 is not supported (expected 1, 2, 4 or 32)".
/// </summary>
public static class RunConfigYaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    /// <summary>Loads a run file.</summary>
    public static RunConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: configuration file not found", path);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses run YAML; <paramref name="source"/> and <paramref name="field"/> prefix error messages.</summary>
    public static RunConfig Parse(string yaml, string source, string field = "")
    {
        RunDto? dto;
        try
        {
            dto = Deserializer.Deserialize<RunDto?>(yaml);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: {field}line {e.Start.Line}: {Innermost(e)}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some malformed flow collections.
            throw new InvalidDataException($"{source}: {field}not valid YAML ({e.Message})", e);
        }
        return Convert(dto ?? new RunDto(), source, field);
    }

    /// <summary>The YAML text of <paramref name="config"/> (every field written; parses back to an equal record).</summary>
    public static string ToYaml(RunConfig config)
    {
        var m = config.Model;
        var r = config.Recipe;
        var dto = new RunDto
        {
            Name = config.Name,
            Dataset = config.Dataset == DatasetKind.Mnist ? "mnist" : "fashion-mnist",
            Data = config.Data,
            TrainCount = config.TrainCount,
            TestCount = config.TestCount,
            Seed = config.Seed,
            Batch = config.Batch,
            Model = new ModelDto
            {
                Network = m.Network.ToString().ToLowerInvariant(),
                Structure = m.Structure.ToString().ToLowerInvariant(),
                Bases = m.Bases,
                WeightBits = m.WeightBits,
                ActivationBits = m.ActivationBits,
                FirstLast = m.FirstLast == LayerPrecision.Int8 ? "int8" : "fp32",
                Classes = m.NumClasses,
            },
            Recipe = new RecipeDto
            {
                Epochs = r.Epochs,
                Lr = r.LearningRate,
                Schedule = r.Schedule.ToString().ToLowerInvariant(),
                StepEpochs = r.StepEpochs,
                Momentum = r.Momentum,
                WeightDecay = r.WeightDecay,
                WarmupSteps = r.WarmupSteps,
                Parent = r.Parent,
                ParentNoise = r.ParentNoise,
                QuantizationLoss = r.QuantizationLoss,
                BnBatches = r.BnBatches,
                Optimizer = r.Optimizer.ToString().ToLowerInvariant(),
                MaxGradNorm = r.MaxGradNorm,
                Distill = r.Distill,
                DistillTemperature = r.DistillTemperature,
            },
            Augmentation = new AugmentationDto { Shift = config.Augmentation.Shift, Flip = config.Augmentation.Flip },
        };
        return Serializer.Serialize(dto);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        // YamlDotNet names the .NET type it wanted ("... into type System.String, System.Private.CoreLib, Version=...");
        // say what kind of value belongs there instead.
        var wrongType = System.Text.RegularExpressions.Regex.Match(e.Message, @"deserialize the node into type ([\w.]+)");
        return wrongType.Success ? $"expected {KindOfValue(wrongType.Groups[1].Value)} here" : e.Message;
    }

    private static string KindOfValue(string typeName) => typeName switch
    {
        "System.String" => "a single value (text)",
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Single" or "System.Double" or "System.Nullable" => "a number",
        "System.Boolean" => "true or false",
        _ when typeName.EndsWith("Dto", StringComparison.Ordinal) => "a mapping (key: value lines)",
        _ => "a different kind of value",
    };

    private static RunConfig Convert(RunDto d, string source, string field)
    {
        InvalidDataException Bad(string key, string message) => new($"{source}: {field}{key}: {message}");
        T Pick<T>(string key, string? value, T fallback, params (string Name, T Value)[] options)
        {
            if (value is null)
            {
                return fallback;
            }
            foreach (var (name, v) in options)
            {
                if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
                {
                    return v;
                }
            }
            throw Bad(key, $"unknown value '{value}' (expected {string.Join(", ", options.Select(o => o.Name))})");
        }
        int Min(string key, int? value, int fallback, int min)
        {
            int v = value ?? fallback;
            return v >= min ? v : throw Bad(key, $"must be >= {min}, got {v}");
        }
        float NonNegative(string key, float? value, float fallback, bool positive = false)
        {
            float v = value ?? fallback;
            return float.IsFinite(v) && (positive ? v > 0f : v >= 0f) ? v : throw Bad(key, $"must be a finite number {(positive ? "> 0" : ">= 0")}, got {v}");
        }

        string name = d.Name ?? "";
        if (name.Length > 0 && (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or ".."))
        {
            throw Bad("name", $"'{name}' cannot be a folder name");
        }
        var dataset = Pick("dataset", d.Dataset, DatasetKind.FashionMnist, ("mnist", DatasetKind.Mnist), ("fashion-mnist", DatasetKind.FashionMnist));
        var m = d.Model ?? new ModelDto();
        var network = Pick("model.network", m.Network, NetworkKind.Tiny, ("tiny", NetworkKind.Tiny), ("small", NetworkKind.Small), ("plain", NetworkKind.Plain));
        var structure = Pick("model.structure", m.Structure, StructureKind.V1, ("baseline", StructureKind.Baseline), ("layerwise", StructureKind.Layerwise),
            ("v1", StructureKind.V1), ("v2", StructureKind.V2), ("v3", StructureKind.V3));
        int bases = Min("model.bases", m.Bases, 1, 1);
        if (structure == StructureKind.Baseline && bases != 1)
        {
            throw Bad("model.bases", $"the baseline is direct quantization with exactly one base, got {bases}");
        }
        int weightBits = m.WeightBits ?? 1;
        if (!ModelConfig.SupportedWeightBits.Contains(weightBits))
        {
            throw Bad("model.weightBits", $"{weightBits} is not supported (expected 1 or 32)");
        }
        int activationBits = m.ActivationBits ?? 2;
        if (!ModelConfig.SupportedActivationBits.Contains(activationBits))
        {
            throw Bad("model.activationBits", $"{activationBits} is not supported (expected 1, 2, 4 or 32)");
        }
        var firstLast = Pick("model.firstLast", m.FirstLast, LayerPrecision.Float32, ("fp32", LayerPrecision.Float32), ("int8", LayerPrecision.Int8));
        int classes = Min("model.classes", m.Classes, 10, 2);
        var model = new ModelConfig(network, structure, bases, weightBits, activationBits, firstLast, classes);

        var r = d.Recipe ?? new RecipeDto();
        var defaults = new RecipeConfig();
        var recipe = new RecipeConfig(
            Min("recipe.epochs", r.Epochs, defaults.Epochs, 1),
            NonNegative("recipe.lr", r.Lr, defaults.LearningRate, positive: true),
            Pick("recipe.schedule", r.Schedule, LrScheduleKind.Cosine, ("cosine", LrScheduleKind.Cosine), ("step", LrScheduleKind.Step)),
            Min("recipe.stepEpochs", r.StepEpochs, 0, 0),
            NonNegative("recipe.momentum", r.Momentum, defaults.Momentum),
            NonNegative("recipe.weightDecay", r.WeightDecay, defaults.WeightDecay),
            Min("recipe.warmupSteps", r.WarmupSteps, 0, 0),
            string.IsNullOrWhiteSpace(r.Parent) ? null : r.Parent,
            NonNegative("recipe.parentNoise", r.ParentNoise, defaults.ParentNoise),
            NonNegative("recipe.quantizationLoss", r.QuantizationLoss, 0f),
            Min("recipe.bnBatches", r.BnBatches, defaults.BnBatches, 0),
            Pick("recipe.optimizer", r.Optimizer, OptimizerKind.Sgd, ("sgd", OptimizerKind.Sgd), ("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW)),
            NonNegative("recipe.maxGradNorm", r.MaxGradNorm, 0f),
            NonNegative("recipe.distill", r.Distill, 0f),
            NonNegative("recipe.distillTemperature", r.DistillTemperature, defaults.DistillTemperature, positive: true));
        if (recipe.Distill > 1f)
        {
            throw Bad("recipe.distill", $"is the weight of the distillation loss and must be in [0, 1], got {recipe.Distill}");
        }
        if (recipe.Momentum >= 1f || (recipe.Optimizer == OptimizerKind.Sgd && recipe.Momentum == 0f))
        {
            throw Bad("recipe.momentum", recipe.Optimizer == OptimizerKind.Sgd
                ? $"must be in (0, 1) for Nesterov SGD, got {recipe.Momentum}"
                : $"is Adam's beta1 and must be in [0, 1), got {recipe.Momentum}");
        }
        var a = d.Augmentation ?? new AugmentationDto();
        var augmentation = new AugmentationConfig(Min("augmentation.shift", a.Shift, 0, 0), a.Flip ?? false);
        return new RunConfig(name, dataset, string.IsNullOrWhiteSpace(d.Data) ? null : d.Data,
            Min("trainCount", d.TrainCount, 0, 0), Min("testCount", d.TestCount, 0, 0), d.Seed ?? 1, Min("batch", d.Batch, 128, 1),
            model, recipe, augmentation);
    }

    private sealed class RunDto
    {
        public string? Name { get; set; }
        public string? Dataset { get; set; }
        public string? Data { get; set; }
        public int? TrainCount { get; set; }
        public int? TestCount { get; set; }
        public int? Seed { get; set; }
        public int? Batch { get; set; }
        public ModelDto? Model { get; set; }
        public RecipeDto? Recipe { get; set; }
        public AugmentationDto? Augmentation { get; set; }
    }

    private sealed class ModelDto
    {
        public string? Network { get; set; }
        public string? Structure { get; set; }
        public int? Bases { get; set; }
        public int? WeightBits { get; set; }
        public int? ActivationBits { get; set; }
        public string? FirstLast { get; set; }
        public int? Classes { get; set; }
    }

    private sealed class RecipeDto
    {
        public int? Epochs { get; set; }
        public float? Lr { get; set; }
        public string? Schedule { get; set; }
        public int? StepEpochs { get; set; }
        public float? Momentum { get; set; }
        public float? WeightDecay { get; set; }
        public int? WarmupSteps { get; set; }
        public string? Parent { get; set; }
        public float? ParentNoise { get; set; }
        public float? QuantizationLoss { get; set; }
        public int? BnBatches { get; set; }
        public string? Optimizer { get; set; }
        public float? MaxGradNorm { get; set; }
        public float? Distill { get; set; }
        public float? DistillTemperature { get; set; }
    }

    private sealed class AugmentationDto
    {
        public int? Shift { get; set; }
        public bool? Flip { get; set; }
    }
}
