using System.Text;
using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Codegen;

/// <summary>
/// Writes a <see cref="DeploymentModel"/> as a self-contained C99 folder: gn_model.h (the public
/// header), gn_&lt;name&gt;.c (layer functions, static buffers, the infer function),
/// gn_&lt;name&gt;_weights.h (static const tables, included by the .c only), gn_test_data.h/.c and
/// CMakeLists.txt (STATIC library gn_model linking gn_runtime). Output is deterministic: the same
/// model and options give the same bytes (no timestamps, invariant culture, stable order).
/// </summary>
public sealed class ModelEmitter
{
    public const string GeneratorVersion = "1.0.0";

    private readonly TemplateSet _templates = new();

    /// <summary>Generates the files and writes them into <paramref name="outputDir"/> (created if
    /// needed; other files there are left alone). Returns the files written.</summary>
    public IReadOnlyList<GeneratedFile> Emit(DeploymentModel model, string outputDir, EmitOptions options)
    {
        var files = Generate(model, options);
        Directory.CreateDirectory(outputDir);
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(outputDir, file.FileName), file.Content, new UTF8Encoding(false));
        }
        return files;
    }

    /// <summary>Generates the files in memory, in a fixed order.</summary>
    public IReadOnlyList<GeneratedFile> Generate(DeploymentModel model, EmitOptions options)
    {
        ModelValidator.Validate(model);
        foreach (var (image, i) in options.TestImages.Select((im, i) => (im, i)))
        {
            if (image.Length != model.InputBytes)
            {
                throw new ArgumentException($"test image {i} has {image.Length} bytes, model '{model.Name}' expects {model.InputBytes}", nameof(options));
            }
        }
        string name = LayerEmitter.Identifier(model.Name);
        string hash = ModelFile.Hash(model);
        string Banner(string file, string purpose) => _templates.Render("banner", new
        {
            file,
            purpose,
            version = GeneratorVersion,
            modelName = CLiteral.CommentText(model.Name),
            description = CLiteral.CommentText(model.Description),
            modelHash = hash,
            options = options.Describe(),
        }).TrimEnd('\n');

        var plan = new BufferPlan(model, options.ReuseBuffers);
        var layerEmitter = new LayerEmitter(_templates, options.Kernels);
        var headEmitter = new LinearHeadEmitter();
        var tables = new List<CTable>();
        var layerCode = new List<string>();
        var calls = new List<string>();
        for (int i = 0; i < model.Layers.Length; i++)
        {
            var result = layerEmitter.Emit(model, i);
            layerCode.Add(result.Code);
            tables.AddRange(result.Tables);
            string Arg(int tensor) => tensor != 0 && model.Tensors[tensor].Kind == TensorKind.Uint8
                ? $"(uint8_t *){plan.NameOf(tensor)}"
                : plan.NameOf(tensor);
            var args = result.Inputs.Select(Arg).Append(Arg(model.Layers[i].Output));
            calls.Add($"{result.FunctionName}({string.Join(", ", args)});");
        }
        tables.AddRange(headEmitter.Tables(model.Head));
        layerCode.Add("/* head \"" + CLiteral.CommentText(model.Head.Name) + "\": 8-bit linear classifier (gn_linear_s8_requant) */\n" + headEmitter.Params(model.Head));
        calls.Add($"gn_linear_s8_requant(&gn_head_params, {plan.NameOf(model.Head.Input)}, logits);");

        var input = model.InputTensor;
        string weightsFile = $"gn_{name}_weights.h";
        string sourceFile = $"gn_{name}.c";
        var files = new List<GeneratedFile>
        {
            new("gn_model.h", Normalize(_templates.Render("model_header", new
            {
                banner = Banner("gn_model.h", "public interface of the generated model"),
                inH = input.Height,
                inW = input.Width,
                inC = input.Channels,
                inputBytes = model.InputBytes,
                numClasses = model.NumClasses,
                name,
                activationBytes = plan.TotalBytes,
            }))),
            new(weightsFile, Normalize(_templates.Render("weights", new
            {
                banner = Banner(weightsFile, "constant tables (packed binary weights, int8 weights, multipliers, thresholds)"),
                name,
                upperName = name.ToUpperInvariant(),
                tables = tables.Select(t => t.ToTemplateData()).ToArray(),
            }))),
            new(sourceFile, Normalize(_templates.Render("model_source", new
            {
                banner = Banner(sourceFile, "layer functions and inference"),
                name,
                activationBytes = plan.TotalBytes,
                bufferNotes = plan.Ranges.Select(r => $"words {r.Offset}..{r.Offset + r.Size - 1} of {BufferPlan.ArenaName}: tensor {r.Tensor} \"{CLiteral.CommentText(model.Tensors[r.Tensor].Name)}\"")
                    .Concat(plan.Buffers.Where(b => b.CType == "int32_t").Select(b => $"{b.CName}: int32_t[{b.Size}], tensor {b.Tensors[0]} \"{CLiteral.CommentText(model.Tensors[b.Tensors[0]].Name)}\"")).ToArray(),
                buffers = plan.Buffers.Select(b => new { cname = b.CName, ctype = b.CType, size = b.Size }).ToArray(),
                layers = layerCode,
                calls,
            }))),
        };
        files.AddRange(TestData(model, options, Banner));
        files.Add(new("CMakeLists.txt", Normalize(_templates.Render("cmake", new
        {
            file = "CMakeLists.txt",
            modelName = CLiteral.CommentText(model.Name),
            version = GeneratorVersion,
            modelHash = hash,
            options = options.Describe(),
            name,
        }))));
        return files;
    }

    private IEnumerable<GeneratedFile> TestData(DeploymentModel model, EmitOptions options, Func<string, string, string> banner)
    {
        bool placeholder = options.TestImages.Count == 0;
        var images = placeholder ? [new byte[model.InputBytes]] : options.TestImages;
        int rowBytes = model.InputTensor.Width * model.InputTensor.Channels;
        var data = images.Select((image, index) => new
        {
            index,
            lines = image.Chunk(rowBytes).Select(row => string.Join(", ", row.Select(v => CLiteral.Int(v))) + ",").ToArray(),
        }).ToArray();
        yield return new GeneratedFile("gn_test_data.h", Normalize(_templates.Render("test_data_header", new
        {
            banner = banner("gn_test_data.h", "test images for harnesses"),
            count = images.Count,
            placeholder,
        })));
        yield return new GeneratedFile("gn_test_data.c", Normalize(_templates.Render("test_data_source", new
        {
            banner = banner("gn_test_data.c", "test images for harnesses"),
            images = data,
        })));
    }

    /// <summary>LF line endings, no trailing spaces, exactly one final newline.</summary>
    private static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd(' '));
        return string.Join("\n", lines).TrimEnd('\n') + "\n";
    }
}
