using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupNet.Firmware.Size;

/// <summary>
/// Where a firmware image's flash and RAM go, from its sections (<c>arm-none-eabi-size -A</c>) and the
/// generated symbol names (<c>arm-none-eabi-nm -S</c>):
/// flash = code (.isr_vector, .text, .ARM.*) + weights + tables (thresholds, multipliers, head
/// requantisation, biases) + test images (the harness's embedded <c>gn_test_images</c>) + other
/// constants (the rest of .rodata: runtime tables, alignment) + the .data image;
/// RAM = arena (the planned activation arena <c>gn_arena</c> and <c>gn_pooled*</c>) + other static data
/// (.data + .bss less the arena), with the stack separately (the board's reservation and the measured peak).
/// </summary>
/// <param name="Sections">Allocated sections.</param>
/// <param name="CodeBytes">.isr_vector + .text + .ARM.extab + .ARM.exidx.</param>
/// <param name="WeightBytes">Weight tables of every layer and the head.</param>
/// <param name="TableBytes">Thresholds and other constant tables of the model.</param>
/// <param name="TestImageBytes">Embedded test images (harness, not part of a deployed model).</param>
/// <param name="OtherConstantBytes">The rest of .rodata.</param>
/// <param name="DataImageBytes">.data's initial values, stored in flash.</param>
/// <param name="ArenaBytes">Activation buffers.</param>
/// <param name="OtherRamBytes">.data + .bss less the arena.</param>
/// <param name="Layers">Per layer, then the head.</param>
public sealed record MemoryBreakdown(
    IReadOnlyList<ElfSection> Sections,
    long CodeBytes,
    long WeightBytes,
    long TableBytes,
    long TestImageBytes,
    long OtherConstantBytes,
    long DataImageBytes,
    long ArenaBytes,
    long OtherRamBytes,
    IReadOnlyList<LayerBytes> Layers)
{
    /// <summary>Flash bytes: the sum of the flash parts; equals <c>arm-none-eabi-size</c>'s text + data.</summary>
    public long FlashBytes => CodeBytes + WeightBytes + TableBytes + TestImageBytes + OtherConstantBytes + DataImageBytes;

    /// <summary>Static RAM bytes: arena + other; equals .data + .bss.</summary>
    public long StaticRamBytes => ArenaBytes + OtherRamBytes;

    /// <summary>Flash of the model alone, without the harness's test images.</summary>
    public long ModelFlashBytes => FlashBytes - TestImageBytes;

    /// <summary>Weight tables; the carry-save kernels' <c>_filters</c> tables hold the packed weights with one
    /// multiplier word per filter beside them (4 bytes in 9 * words * 4 + 4), counted as weights; the vertical kernel's
    /// <c>_vweights</c> hold the same bits transposed (pairs stored as W_i, W_i xor W_i+1); the fused stem's <c>_rows</c>
    /// hold each channel's widened int8 weights with its 1 or 3 folded thresholds (4 or 12 bytes a row), counted as weights.</summary>
    private static readonly Regex LayerWeights = new(@"^gn_l(\d+)_t\d+_(weights|filters|vweights|rows)$", RegexOptions.CultureInvariant);
    private static readonly Regex LayerTable = new(@"^gn_l(\d+)_", RegexOptions.CultureInvariant);
    private static readonly Regex LayerFunction = new(@"^gn_layer(\d+)_", RegexOptions.CultureInvariant);
    private static readonly Regex ArenaBuffer = new(@"^gn_(arena|act\d+|pooled\d+)$", RegexOptions.CultureInvariant);

    /// <summary>Sections whose bytes are code.</summary>
    public static IReadOnlyList<string> CodeSections { get; } = [".isr_vector", ".text", ".ARM.extab", ".ARM.exidx"];

    /// <summary>Reads <paramref name="elfPath"/> with arm-none-eabi-size -A and arm-none-eabi-nm -S.</summary>
    /// <param name="elfPath">A linked firmware image.</param>
    /// <param name="layerNames">The model's layer names in order (row names); null names rows "layer i".</param>
    /// <exception cref="ToolNotFoundException">The ARM binutils are not installed.</exception>
    public static MemoryBreakdown Read(string elfPath, IReadOnlyList<string>? layerNames = null)
    {
        ArgumentNullException.ThrowIfNull(elfPath);
        var size = ExternalTools.Require(ExternalTools.ArmSize);
        var nm = ExternalTools.Require(ExternalTools.ArmNm);
        var sections = ParseSections(ProcessRunner.RunChecked(size, ["-A", elfPath], null, TimeSpan.FromMinutes(1), $"arm-none-eabi-size -A failed on {elfPath}").StandardOutput);
        var symbols = ParseSymbols(ProcessRunner.RunChecked(nm, ["-S", "--defined-only", elfPath], null, TimeSpan.FromMinutes(1), $"arm-none-eabi-nm -S failed on {elfPath}").StandardOutput);
        return FromSectionsAndSymbols(sections, symbols, layerNames);
    }

    /// <summary>Classifies <paramref name="symbols"/> within <paramref name="sections"/> (pure; see the type's summary).</summary>
    public static MemoryBreakdown FromSectionsAndSymbols(IReadOnlyList<ElfSection> sections, IReadOnlyList<ElfSymbol> symbols, IReadOnlyList<string>? layerNames = null)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(symbols);
        long Section(string name) => sections.Where(s => s.Name == name).Sum(s => s.Bytes);
        long code = CodeSections.Sum(Section);
        long rodata = Section(".rodata");
        long data = Section(".data");
        long bss = Section(".bss");

        long weights = 0, tables = 0, testImages = 0, arena = 0;
        var layerWeights = new SortedDictionary<int, long>();
        var layerTables = new SortedDictionary<int, long>();
        var layerCode = new SortedDictionary<int, long>();
        long headWeights = 0, headTables = 0;
        // nm lists a symbol once per name; aliases at one address are counted once.
        foreach (var s in symbols.GroupBy(s => (s.Address, s.Type)).Select(g => g.First()))
        {
            if (s.IsReadOnlyData)
            {
                if (LayerWeights.Match(s.Name) is { Success: true } w)
                {
                    weights += s.Bytes;
                    Add(layerWeights, Index(w), s.Bytes);
                }
                else if (s.Name == "gn_head_weights")
                {
                    weights += s.Bytes;
                    headWeights += s.Bytes;
                }
                else if (LayerTable.Match(s.Name) is { Success: true } t)
                {
                    tables += s.Bytes;
                    Add(layerTables, Index(t), s.Bytes);
                }
                else if (s.Name.StartsWith("gn_head_", StringComparison.Ordinal))
                {
                    tables += s.Bytes;
                    headTables += s.Bytes;
                }
                else if (s.Name == "gn_test_images")
                {
                    testImages += s.Bytes;
                }
            }
            else if (s.IsCode && LayerFunction.Match(s.Name) is { Success: true } f)
            {
                Add(layerCode, Index(f), s.Bytes);
            }
            else if (s.IsRamData && ArenaBuffer.IsMatch(s.Name))
            {
                arena += s.Bytes;
            }
        }
        int layerCount = new[] { layerWeights.Keys, layerTables.Keys, layerCode.Keys }.SelectMany(k => k).DefaultIfEmpty(-1).Max() + 1;
        if (layerNames is not null)
        {
            layerCount = Math.Max(layerCount, layerNames.Count);
        }
        var layers = Enumerable.Range(0, layerCount)
            .Select(i => new LayerBytes(layerNames is not null && i < layerNames.Count ? layerNames[i] : $"layer {i}", i,
                layerWeights.GetValueOrDefault(i), layerTables.GetValueOrDefault(i), layerCode.GetValueOrDefault(i)))
            .Append(new LayerBytes("head", -1, headWeights, headTables, 0))
            .ToArray();
        return new MemoryBreakdown(sections, code, weights, tables, testImages, rodata - weights - tables - testImages, data,
            arena, data + bss - arena, layers);
    }

    private static int Index(Match m) => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);

    private static void Add(SortedDictionary<int, long> map, int key, long bytes) => map[key] = map.GetValueOrDefault(key) + bytes;

    /// <summary>Parses <c>arm-none-eabi-size -A</c> (SysV) output: allocated sections with a nonzero address or known flash names.</summary>
    public static IReadOnlyList<ElfSection> ParseSections(string sizeOutput)
    {
        ArgumentNullException.ThrowIfNull(sizeOutput);
        var sections = new List<ElfSection>();
        foreach (var line in sizeOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3 && f[0].StartsWith('.')
                && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                && ulong.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var address)
                && !f[0].StartsWith(".debug", StringComparison.Ordinal) && f[0] is not (".comment" or ".ARM.attributes"))
            {
                sections.Add(new ElfSection(f[0], bytes, address));
            }
        }
        return sections;
    }

    /// <summary>Parses <c>arm-none-eabi-nm -S --defined-only</c> output (symbols with a size only).</summary>
    public static IReadOnlyList<ElfSymbol> ParseSymbols(string nmOutput)
    {
        ArgumentNullException.ThrowIfNull(nmOutput);
        var symbols = new List<ElfSymbol>();
        foreach (var line in nmOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 4 && f[2].Length == 1
                && ulong.TryParse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address)
                && long.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bytes))
            {
                char type = f[2][0];
                symbols.Add(new ElfSymbol(f[3], type, type is 't' or 'T' ? address & ~1UL : address, bytes));
            }
        }
        return symbols;
    }
}
