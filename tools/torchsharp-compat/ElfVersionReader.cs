using System.Buffers.Binary;
using ELFSharp;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>
/// Reads an ELF object's symbol-version records. ELFSharp gives the sections, their file offsets and the string
/// tables; it does not decode the GNU version sections, so their records are read here from the section bytes.
/// Only 64-bit little-endian objects are read: the bridge exists for linux-x64 and linux-arm64 only.
/// </summary>
public static class ElfVersionReader
{
    // Section types from the GNU extensions; ELFSharp's SectionType does not name them.
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    // Record sizes are the same for ELF32 and ELF64.
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;
    private const int VerdefSize = 20;
    private const int VerdauxSize = 8;
    private const ushort VerFlagBase = 0x1;

    // .gnu.version's top bit marks a hidden (non-default) version; the rest is the index.
    private const ushort VersymIndexMask = 0x7fff;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="CompatException">Missing, unreadable, not ELF, not 64-bit little-endian, or malformed.</exception>
    public static ElfVersionInfo ReadFile(string path) => Read(ReadAllBytes(path), path);

    /// <summary>The whole file, or a <see cref="CompatException"/> that names it.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CompatException(CompatException.InputError, $"{path}: no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompatException(CompatException.InputError, $"{path}: cannot read ({e.Message})", e);
        }
    }

    /// <summary>Reads <paramref name="image"/>, the bytes of the file at <paramref name="path"/>.</summary>
    /// <exception cref="CompatException">Not ELF, not 64-bit little-endian, or malformed.</exception>
    public static ElfVersionInfo Read(byte[] image, string path)
    {
        try
        {
            return ReadElf(image, path);
        }
        // ELFSharp and the bounds checks below report truncated or inconsistent files with these.
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IndexOutOfRangeException
                                      or InvalidOperationException or OverflowException or InvalidDataException)
        {
            throw new CompatException(CompatException.InputError, $"{path}: malformed ELF file ({e.Message})", e);
        }
    }

    private static ElfVersionInfo ReadElf(byte[] image, string path)
    {
        if (!ELFReader.TryLoad(new MemoryStream(image, writable: false), shouldOwnStream: true, out var loaded))
        {
            throw new CompatException(CompatException.InputError, $"{path}: not an ELF file");
        }
        using var owner = loaded;
        if (loaded is not ELF<ulong> elf || elf.Endianess != Endianess.LittleEndian)
        {
            throw new CompatException(CompatException.InputError,
                $"{path}: {loaded.Class} {loaded.Endianess} ELF; only 64-bit little-endian objects are supported");
        }
        var dynstr = elf.TryGetSection(Consts.DynamicStringTableName, out var strings) && strings is IStringTable table
            ? table
            : null;

        var needs = new List<VersionNeed>();
        var definitions = new List<string>();
        var versyms = Array.Empty<ushort>();
        var relocated = new HashSet<ulong>();
        foreach (var section in elf.Sections)
        {
            switch ((uint)section.Type)
            {
                case ShtGnuVerneed:
                    needs.AddRange(ReadNeeds(section.GetContents(), checked((long)section.Offset), RequireDynstr(dynstr, path)));
                    break;
                case ShtGnuVerdef:
                    definitions.AddRange(ReadDefinitions(section.GetContents(), RequireDynstr(dynstr, path)));
                    break;
                case ShtGnuVersym:
                    versyms = ReadVersyms(section.GetContents());
                    break;
                case (uint)SectionType.Relocation or (uint)SectionType.RelocationAddends
                    when (section.Flags & SectionFlags.Allocatable) != 0:
                    // Allocated REL/RELA sections of a shared object are its dynamic relocations, against .dynsym.
                    AddRelocatedSymbols(section, relocated);
                    break;
            }
        }

        var imports = ReadImports(elf, versyms, relocated);
        var soName = elf.GetSections<DynamicSection<ulong>>().FirstOrDefault()?.Entries
            .FirstOrDefault(e => e.Tag == DynamicTag.SoName) is { } entry && dynstr is not null
            ? dynstr[checked((long)entry.Value)]
            : null;
        return new ElfVersionInfo(path, elf.Machine, soName, needs, definitions, imports);
    }

    private static IStringTable RequireDynstr(IStringTable? dynstr, string path) =>
        dynstr ?? throw new CompatException(CompatException.InputError, $"{path}: has version sections but no .dynstr");

    /// <summary>Walks the Verneed chain (vn_next) and each one's Vernaux chain (vna_next); offsets are relative
    /// to the record that holds them, as in the ELF gABI.</summary>
    private static List<VersionNeed> ReadNeeds(byte[] data, long sectionOffset, IStringTable dynstr)
    {
        var needs = new List<VersionNeed>();
        long at = 0;
        while (true)
        {
            var need = Slice(data, at, VerneedSize);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(need[2..]);
            var file = dynstr[BinaryPrimitives.ReadUInt32LittleEndian(need[4..])];
            var auxAt = at + BinaryPrimitives.ReadUInt32LittleEndian(need[8..]);
            for (var i = 0; i < count; i++)
            {
                var aux = Slice(data, auxAt, VernauxSize);
                needs.Add(new VersionNeed(
                    File: file,
                    Name: dynstr[BinaryPrimitives.ReadUInt32LittleEndian(aux[8..])],
                    Hash: BinaryPrimitives.ReadUInt32LittleEndian(aux),
                    Flags: BinaryPrimitives.ReadUInt16LittleEndian(aux[4..]),
                    Index: BinaryPrimitives.ReadUInt16LittleEndian(aux[6..]),
                    FlagsOffset: sectionOffset + auxAt + 4));
                var nextAux = BinaryPrimitives.ReadUInt32LittleEndian(aux[12..]);
                if (nextAux == 0 && i < count - 1)
                {
                    throw new InvalidDataException($"Verneed for {file} counts {count} entries but its chain ends after {i + 1}");
                }
                auxAt += nextAux;
            }
            var next = BinaryPrimitives.ReadUInt32LittleEndian(need[12..]);
            if (next == 0)
            {
                return needs;
            }
            at += next;
        }
    }

    private static List<string> ReadDefinitions(byte[] data, IStringTable dynstr)
    {
        var names = new List<string>();
        long at = 0;
        while (true)
        {
            var definition = Slice(data, at, VerdefSize);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(definition[2..]);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(definition[6..]);
            // The first Verdaux names the version; later ones name the versions it inherits from.
            if ((flags & VerFlagBase) == 0 && count > 0)
            {
                var aux = Slice(data, at + BinaryPrimitives.ReadUInt32LittleEndian(definition[12..]), VerdauxSize);
                names.Add(dynstr[BinaryPrimitives.ReadUInt32LittleEndian(aux)]);
            }
            var next = BinaryPrimitives.ReadUInt32LittleEndian(definition[16..]);
            if (next == 0)
            {
                return names;
            }
            at += next;
        }
    }

    private static ushort[] ReadVersyms(byte[] data)
    {
        var versyms = new ushort[data.Length / 2];
        for (var i = 0; i < versyms.Length; i++)
        {
            versyms[i] = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(2 * i)) & VersymIndexMask);
        }
        return versyms;
    }

    private static void AddRelocatedSymbols(Section<ulong> section, HashSet<ulong> relocated)
    {
        var data = section.GetContents();
        var size = section.EntrySize != 0 ? (int)section.EntrySize : section.Type == SectionType.RelocationAddends ? 24 : 16;
        for (var at = 0; at + size <= data.Length; at += size)
        {
            // r_info is the second word of both Elf64_Rel and Elf64_Rela; its high half is the symbol index.
            relocated.Add(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at + 8)) >> 32);
        }
    }

    private static List<SymbolImport> ReadImports(ELF<ulong> elf, ushort[] versyms, HashSet<ulong> relocated)
    {
        var imports = new List<SymbolImport>();
        var dynsym = elf.GetSections<SymbolTable<ulong>>().FirstOrDefault(s => s.Type == SectionType.DynamicSymbolTable);
        if (dynsym is null)
        {
            return imports;
        }
        var symbols = dynsym.Entries.ToList();
        if (versyms.Length != 0 && versyms.Length != symbols.Count)
        {
            throw new InvalidDataException($".gnu.version has {versyms.Length} entries for {symbols.Count} dynamic symbols");
        }
        // Index 0 is the reserved null symbol.
        for (var i = 1; i < symbols.Count; i++)
        {
            if (symbols[i].PointedSectionIndex == 0)
            {
                // Without .gnu.version every symbol is unversioned global (index 1).
                var version = versyms.Length != 0 ? versyms[i] : (ushort)1;
                imports.Add(new SymbolImport(symbols[i].Name, version, relocated.Contains((ulong)i)));
            }
        }
        return imports;
    }

    private static ReadOnlySpan<byte> Slice(byte[] data, long at, int length) =>
        at >= 0 && at + length <= data.Length
            ? data.AsSpan((int)at, length)
            : throw new InvalidDataException($"version record at {at} runs past the end of its section ({data.Length} bytes)");
}
