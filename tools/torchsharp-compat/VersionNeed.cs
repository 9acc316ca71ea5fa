namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>One <c>Elf64_Vernaux</c> record of <c>.gnu.version_r</c>: the object needs version
/// <paramref name="Name"/> of the library <paramref name="File"/> (a DT_NEEDED soname).</summary>
/// <param name="File">Soname of the library that must define the version (<c>vn_file</c> of the parent Verneed).</param>
/// <param name="Name">Version name, e.g. <c>GLIBCXX_3.4.32</c> (<c>vna_name</c>).</param>
/// <param name="Hash">ELF hash of the name (<c>vna_hash</c>).</param>
/// <param name="Flags"><c>vna_flags</c>; bit <see cref="WeakFlag"/> makes a missing version a warning, not an error.</param>
/// <param name="Index">Version index that <c>.gnu.version</c> uses for symbols bound to this version (<c>vna_other</c>).</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c>, the one field the patcher writes.</param>
public sealed record VersionNeed(string File, string Name, uint Hash, ushort Flags, ushort Index, long FlagsOffset)
{
    /// <summary>VER_FLG_WEAK: glibc's loader skips a missing weak version instead of refusing the object.</summary>
    public const ushort WeakFlag = 0x2;

    /// <summary>Whether <see cref="WeakFlag"/> is set.</summary>
    public bool IsWeak => (Flags & WeakFlag) != 0;
}
