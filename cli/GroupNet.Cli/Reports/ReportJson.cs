using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupNet.Cli.Reports;

/// <summary>
/// The JSON document of a report (<c>report.json</c>, and stdout with <c>--json</c>):
/// <code>
/// { "tool": "groupnet report", "cycles_source": "estimate", "cycles_note": ..., "flash_wait_states": W,
///   "test_set": {"name", "images"} | null, "embedded_images": N,
///   "cells": [ { "model", "model_source", "kind", "activation_bits", "board", "core", "part", "opt",
///                "status", "fits", "accuracy", "logits_identical", "images",
///                "instructions_per_inference", "cycles_per_inference", "cycles_source",
///                "flash": {"total", "model", "code", "weights", "tables", "test_images", "other_constants", "data_image", "part"},
///                "ram": {"static", "arena", "other", "stack_peak", "stack_reserved", "part"},
///                "layers": [ {"name", "kind", "instructions_per_inference", "cycles_per_inference",
///                             "weight_bytes", "table_bytes", "code_bytes"} ], "seconds" } ],
///   "int8_comparison": [ {"model", "core", "opt", "int8_model", "instructions_ratio", "flash_ratio", "ram_ratio",
///                         "accuracy_points"} ] }   // binary / int8 per core and level; [] without both kinds
/// </code>
/// Fields a cell could not measure (it did not fit or failed) are null.
/// </summary>
public static class ReportJson
{
    /// <summary>How the cycle figures were obtained, for every output.</summary>
    public const string CyclesNote =
        "cycles are ESTIMATES from docs/timing-model.md (per-core instruction timings applied to the exact executed instruction mix); "
        + "QEMU does not count DWT->CYCCNT, so no cycle figure here is a measurement";

    public static JsonObject Build(ReportGrid grid, IReadOnlyList<ReportCell> cells) => new()
    {
        ["tool"] = "groupnet report",
        ["cycles_source"] = "estimate",
        ["cycles_note"] = CyclesNote,
        ["flash_wait_states"] = grid.FlashWaitStates,
        ["test_set"] = grid.TestSet is { } t ? new JsonObject { ["name"] = t.Name, ["images"] = t.Images.Count } : null,
        ["embedded_images"] = grid.Images.Count,
        ["cells"] = new JsonArray(cells.Select(Cell).ToArray<JsonNode?>()),
        ["int8_comparison"] = new JsonArray(ReportComparison.Rows(cells).Where(r => r.Cell != r.Int8).Select(r => (JsonNode?)new JsonObject
        {
            ["model"] = r.Cell.Model.Label,
            ["core"] = r.Cell.Board.Core,
            ["opt"] = r.Cell.OptimizationLevel,
            ["int8_model"] = r.Int8.Model.Label,
            ["instructions_ratio"] = r.InstructionsRatio,
            ["flash_ratio"] = r.FlashRatio,
            ["ram_ratio"] = r.RamRatio,
            ["accuracy_points"] = r.AccuracyPoints,
        }).ToArray()),
    };

    public static string Serialize(JsonObject document, bool indented) =>
        document.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = indented,
            // Plain text for people reading the file: "->" stays "->" (the output is never embedded in HTML).
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    private static JsonObject Cell(ReportCell c) => new()
    {
        ["model"] = c.Model.Label,
        ["model_source"] = c.Model.Source,
        ["kind"] = c.Model.Kind,
        ["activation_bits"] = c.Model.ActivationBits,
        ["board"] = c.Board.Name,
        ["core"] = c.Board.Core,
        ["part"] = c.Board.Part,
        ["opt"] = c.OptimizationLevel,
        ["status"] = c.Status,
        ["fits"] = c.Fits,
        ["accuracy"] = c.Accuracy,
        ["logits_identical"] = c.Agreement?.Identical,
        ["images"] = c.Agreement?.Images,
        ["instructions_per_inference"] = c.InstructionsPerInference,
        ["cycles_per_inference"] = c.CyclesPerInference,
        ["cycles_source"] = c.CyclesPerInference is null ? null : "estimate",
        ["flash"] = c.Memory is { } m ? new JsonObject
        {
            ["total"] = m.FlashBytes,
            ["model"] = m.ModelFlashBytes,
            ["code"] = m.CodeBytes,
            ["weights"] = m.WeightBytes,
            ["tables"] = m.TableBytes,
            ["test_images"] = m.TestImageBytes,
            ["other_constants"] = m.OtherConstantBytes,
            ["data_image"] = m.DataImageBytes,
            ["part"] = c.Board.FlashBytes,
        } : null,
        ["ram"] = c.Memory is { } r ? new JsonObject
        {
            ["static"] = r.StaticRamBytes,
            ["arena"] = r.ArenaBytes,
            ["other"] = r.OtherRamBytes,
            ["stack_peak"] = c.StackPeakBytes,
            ["stack_reserved"] = c.Board.StackBytes,
            ["part"] = c.Board.RamBytes,
        } : null,
        ["layers"] = new JsonArray(c.Layers.Select(l => (JsonNode?)new JsonObject
        {
            ["name"] = l.Name,
            ["kind"] = l.Kind,
            ["instructions_per_inference"] = l.InstructionsPerInference,
            ["cycles_per_inference"] = l.CyclesPerInference,
            ["weight_bytes"] = l.WeightBytes,
            ["table_bytes"] = l.TableBytes,
            ["code_bytes"] = l.CodeBytes,
        }).ToArray()),
        ["seconds"] = Math.Round(c.Seconds, 1),
    };
}
