namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>An undefined dynamic symbol, with the version index <c>.gnu.version</c> gives it and whether any
/// dynamic relocation refers to it. A symbol no relocation refers to is never bound, so nothing in the object
/// can call or read it: GCC 13's <c>&lt;iostream&gt;</c> emits such a reference to
/// <c>std::ios_base_library_init()</c> only to pull in libstdc++'s stream initialisation.</summary>
/// <param name="Name">Mangled symbol name.</param>
/// <param name="VersionIndex">Version index (hidden bit cleared); matches <see cref="VersionNeed.Index"/>.</param>
/// <param name="IsRelocated">Whether a relocation in an allocated REL/RELA section names this symbol.</param>
public sealed record SymbolImport(string Name, ushort VersionIndex, bool IsRelocated);
