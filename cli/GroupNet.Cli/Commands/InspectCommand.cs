using System.CommandLine;
using System.Text.Json;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using Spectre.Console;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet inspect MODEL [--json]`: layers, shapes, bits, parameters, binary operations, bytes.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of a table" };
        var command = new Command("inspect", "Print the layers of a deployment model with sizes and operation counts");
        command.Arguments.Add(model);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var rows = LayerStatistics.Of(m);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    name = m.Name,
                    description = m.Description,
                    hash = ModelFile.Hash(m),
                    input = new { height = m.InputTensor.Height, width = m.InputTensor.Width, channels = m.InputTensor.Channels },
                    classes = m.NumClasses,
                    layers = rows.Select(r => new
                    {
                        name = r.Name,
                        kind = r.Kind,
                        output = r.OutputShape,
                        bits = r.Bits,
                        terms = r.Terms,
                        parameters = r.Parameters,
                        binary_macs = r.BinaryMacs,
                        binary_ops = r.BinaryOps,
                        int8_macs = r.Int8Macs,
                        weight_bytes = r.WeightBytes,
                        parameter_bytes = r.ParameterBytes,
                        output_bytes = r.OutputBytes,
                    }),
                    totals = new
                    {
                        parameters = rows.Sum(r => r.Parameters),
                        binary_ops = rows.Sum(r => r.BinaryOps),
                        int8_macs = rows.Sum(r => r.Int8Macs),
                        model_bytes = rows.Sum(r => r.WeightBytes + r.ParameterBytes),
                    },
                }, Cli.JsonOptions));
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(m.Name)}[/]  {Markup.Escape(m.Description)}");
            AnsiConsole.MarkupLine($"input {m.InputTensor.Height}x{m.InputTensor.Width}x{m.InputTensor.Channels} uint8, {m.NumClasses} int32 logits, hash {ModelFile.Hash(m)[..16]}");
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "layer", "kind", "output", "bits", "params", "binary ops", "int8 MACs", "weight B", "other B", "output B" })
            {
                table.AddColumn(new TableColumn(h).RightAligned());
            }
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Kind), r.OutputShape, r.Bits.ToString(), N(r.Parameters), N(r.BinaryOps), N(r.Int8Macs), N(r.WeightBytes), N(r.ParameterBytes), N(r.OutputBytes));
            }
            table.AddRow("[bold]total[/]", "", "", "", N(rows.Sum(r => r.Parameters)), N(rows.Sum(r => r.BinaryOps)), N(rows.Sum(r => r.Int8Macs)),
                N(rows.Sum(r => r.WeightBytes)), N(rows.Sum(r => r.ParameterBytes)), "");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string N(long v) => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
