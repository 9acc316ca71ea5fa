using System.Text.Json;
using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Format;

/// <summary>The JSON payload of a model file. Field names are snake_case and stable; integers only,
/// except <c>logit_scale</c> (information for users, never used by the integer program).</summary>
public static class ModelJson
{
    private const int MaxValues = 64 * 1024 * 1024;
    private const int MaxEntries = 100_000;

    public static byte[] Write(DeploymentModel model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", "groupnet-deployment");
            w.WriteString("name", model.Name);
            w.WriteString("description", model.Description);
            w.WriteNumber("logit_scale", model.LogitScale);
            w.WriteStartArray("tensors");
            foreach (var t in model.Tensors)
            {
                w.WriteStartObject();
                w.WriteNumber("id", t.Id);
                w.WriteString("name", t.Name);
                w.WriteString("kind", KindName(t.Kind));
                w.WriteNumber("height", t.Height);
                w.WriteNumber("width", t.Width);
                w.WriteNumber("channels", t.Channels);
                w.WriteNumber("bits", t.Bits);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("layers");
            foreach (var layer in model.Layers)
            {
                WriteLayer(w, layer);
            }
            w.WriteEndArray();
            WriteHead(w, model.Head);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static DeploymentModel Read(ReadOnlySpan<byte> payload)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"payload: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException("payload: must be a JSON object");
            }
            var root = new JsonFields(doc.RootElement, "");
            if (root.String("format") != "groupnet-deployment")
            {
                throw root.Error("format", "must be 'groupnet-deployment'");
            }
            var tensors = root.Objects("tensors", MaxEntries).Select(ReadTensor).ToArray();
            var layers = root.Objects("layers", MaxEntries).Select(ReadLayer).ToArray();
            return new DeploymentModel(
                root.String("name"),
                root.String("description"),
                new EquatableArray<TensorSpec>(tensors),
                new EquatableArray<AccumulateLayer>(layers),
                ReadHead(root.Object("head")),
                root.Double("logit_scale"));
        }
    }

    private static string KindName(TensorKind kind) => kind switch
    {
        TensorKind.Image => "image",
        TensorKind.Levels => "levels",
        TensorKind.Pooled => "pooled",
        TensorKind.Signs => "signs",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static TensorSpec ReadTensor(JsonFields f)
    {
        var kind = f.String("kind") switch
        {
            "image" => TensorKind.Image,
            "levels" => TensorKind.Levels,
            "pooled" => TensorKind.Pooled,
            "signs" => TensorKind.Signs,
            var other => throw f.Error("kind", $"'{other}' is not one of image, levels, signs, pooled"),
        };
        return new TensorSpec(f.Int("id"), f.String("name"), kind, f.Int("height"), f.Int("width"), f.Int("channels"), f.Int("bits"));
    }

    private static void WriteLayer(Utf8JsonWriter w, AccumulateLayer layer)
    {
        w.WriteStartObject();
        w.WriteString("name", layer.Name);
        w.WriteNumber("output", layer.Output);
        w.WriteNumber("out_channels", layer.OutChannels);
        w.WriteStartArray("terms");
        foreach (var term in layer.Terms)
        {
            w.WriteStartObject();
            switch (term)
            {
                case Int8ConvTerm c:
                    w.WriteString("kind", "int8_conv");
                    WriteGeometry(w, c.Geometry);
                    WriteArray(w, "weights", c.Weights, v => w.WriteNumberValue(v));
                    break;
                case BinaryConvTerm c:
                    w.WriteString("kind", "binary_conv");
                    WriteGeometry(w, c.Geometry);
                    WriteArray(w, "weights", c.Weights, v => w.WriteNumberValue(v));
                    break;
                case IdentityTerm:
                    w.WriteString("kind", "identity");
                    break;
                default:
                    throw new InvalidOperationException($"unknown term {term.GetType().Name}");
            }
            w.WriteNumber("input", term.Input);
            WriteArray(w, "multipliers", term.Multipliers, v => w.WriteNumberValue(v));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("epilogue");
        switch (layer.Epilogue)
        {
            case ThresholdEpilogue te:
                w.WriteString("kind", "threshold");
                w.WriteNumber("bits", te.Bits);
                WriteArray(w, "thresholds", te.Thresholds, v => w.WriteNumberValue(v));
                break;
            case PooledEpilogue:
                w.WriteString("kind", "pooled");
                break;
            default:
                throw new InvalidOperationException($"unknown epilogue {layer.Epilogue.GetType().Name}");
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static AccumulateLayer ReadLayer(JsonFields f)
    {
        var terms = f.Objects("terms", 1024).Select(ReadTerm).ToArray();
        var e = f.Object("epilogue");
        Epilogue epilogue = e.String("kind") switch
        {
            "threshold" => new ThresholdEpilogue(e.Int("bits", 1, 8), new EquatableArray<int>(e.Ints("thresholds", MaxValues))),
            "pooled" => new PooledEpilogue(),
            var other => throw e.Error("kind", $"'{other}' is not one of threshold, pooled"),
        };
        return new AccumulateLayer(f.String("name"), f.Int("output"), f.Int("out_channels"), new EquatableArray<Term>(terms), epilogue);
    }

    private static Term ReadTerm(JsonFields f)
    {
        int input = f.Int("input");
        var multipliers = new EquatableArray<int>(f.Ints("multipliers", MaxValues));
        return f.String("kind") switch
        {
            "int8_conv" => new Int8ConvTerm(input, ReadGeometry(f), new EquatableArray<sbyte>(f.SBytes("weights", MaxValues)), multipliers),
            "binary_conv" => new BinaryConvTerm(input, ReadGeometry(f), new EquatableArray<uint>(f.UInts("weights", MaxValues)), multipliers),
            "identity" => new IdentityTerm(input, multipliers),
            var other => throw f.Error("kind", $"'{other}' is not one of int8_conv, binary_conv, identity"),
        };
    }

    private static void WriteGeometry(Utf8JsonWriter w, ConvGeometry g)
    {
        w.WriteNumber("kernel", g.Kernel);
        w.WriteNumber("stride", g.Stride);
        w.WriteNumber("padding", g.Padding);
    }

    private static ConvGeometry ReadGeometry(JsonFields f) =>
        new(f.Int("kernel", 1, 7), f.Int("stride", 1, 4), f.Int("padding", 0, 6));

    private static void WriteHead(Utf8JsonWriter w, LinearHead h)
    {
        w.WriteStartObject("head");
        w.WriteString("name", h.Name);
        w.WriteNumber("input", h.Input);
        w.WriteNumber("in_features", h.InFeatures);
        w.WriteNumber("out_features", h.OutFeatures);
        WriteArray(w, "requant_multipliers", h.RequantMultipliers, v => w.WriteNumberValue(v));
        WriteArray(w, "requant_offsets", h.RequantOffsets, v => w.WriteNumberValue(v));
        w.WriteNumber("requant_shift", h.RequantShift);
        WriteArray(w, "weights", h.Weights, v => w.WriteNumberValue(v));
        WriteArray(w, "bias", h.Bias, v => w.WriteNumberValue(v));
        w.WriteEndObject();
    }

    private static LinearHead ReadHead(JsonFields f) => new(
        f.String("name"),
        f.Int("input"),
        f.Int("in_features", 1, 4096),
        f.Int("out_features", 1, 4096),
        new EquatableArray<int>(f.Ints("requant_multipliers", MaxValues)),
        new EquatableArray<long>(f.Longs("requant_offsets", MaxValues)),
        f.Int("requant_shift", 1, 62),
        new EquatableArray<sbyte>(f.SBytes("weights", MaxValues)),
        new EquatableArray<int>(f.Ints("bias", MaxValues)));

    private static void WriteArray<T>(Utf8JsonWriter w, string name, EquatableArray<T> values, Action<T> write)
        where T : IEquatable<T>
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            write(v);
        }
        w.WriteEndArray();
    }
}
