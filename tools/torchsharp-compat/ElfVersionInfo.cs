using ELFSharp.ELF;

namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>What the dynamic loader checks about symbol versions in one ELF shared object.</summary>
/// <param name="Path">Where it was read from, for messages.</param>
/// <param name="Machine">Its <c>e_machine</c>.</param>
/// <param name="SoName">Its DT_SONAME, or null when it has none.</param>
/// <param name="Needs">Every Vernaux record of <c>.gnu.version_r</c>, in file order.</param>
/// <param name="Definitions">Names of the versions <c>.gnu.version_d</c> defines, the base (soname) entry left out.</param>
/// <param name="Imports">The undefined dynamic symbols, in <c>.dynsym</c> order.</param>
public sealed record ElfVersionInfo(
    string Path,
    Machine Machine,
    string? SoName,
    IReadOnlyList<VersionNeed> Needs,
    IReadOnlyList<string> Definitions,
    IReadOnlyList<SymbolImport> Imports);
