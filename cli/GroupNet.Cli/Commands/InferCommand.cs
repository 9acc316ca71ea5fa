using System.CommandLine;
using System.Text.Json;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Reference;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet infer MODEL --images IDX [--first N] [--json]`: int32 logits of the managed reference.</summary>
public static class InferCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm)" };
        var images = new Option<FileInfo>("--images") { Description = "IDX images file (uint8, idx3)", Required = true };
        var first = new Option<int?>("--first") { Description = "only the first N images" }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "print {\"logits\": [[...], ...]} instead of lines" };
        var command = new Command("infer", "Run the managed integer reference and print int32 logits per image");
        command.Arguments.Add(model);
        command.Options.Add(images);
        command.Options.Add(first);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var idx = IdxFile.ReadImages(parse.GetValue(images)!.FullName);
            if (idx.ImageBytes != m.InputBytes)
            {
                throw new UserInputException($"images are {idx.Rows}x{idx.Columns} ({idx.ImageBytes} bytes), the model expects {m.InputBytes} bytes");
            }
            int n = parse.GetValue(first) ?? idx.Count;
            if (n > idx.Count)
            {
                throw new UserInputException($"--first {n}: {parse.GetValue(images)!.Name} holds {idx.Count} images; 1 to {idx.Count} is accepted");
            }
            var logits = new ReferenceExecutor(m).InferMany(idx.Take(n));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { model = m.Name, logits }, Cli.JsonOptions));
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    Console.WriteLine($"logits {i} {string.Join(' ', logits[i])}");
                }
            }
            return 0;
        });
        return command;
    }
}
