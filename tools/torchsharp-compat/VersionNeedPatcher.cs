using System.Buffers.Binary;

namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>Marks version needs weak in an ELF image: sets <see cref="VersionNeed.WeakFlag"/> in each one's
/// <c>vna_flags</c> and changes no other byte, so sizes, offsets and hashes stay valid.</summary>
public static class VersionNeedPatcher
{
    /// <summary>A copy of <paramref name="image"/> with <paramref name="needs"/> (read from that same image) weak.</summary>
    /// <exception cref="InvalidOperationException">A need's flags are not what the image holds at its offset,
    /// i.e. the needs were read from another file.</exception>
    public static byte[] MarkWeak(ReadOnlySpan<byte> image, IEnumerable<VersionNeed> needs)
    {
        var copy = image.ToArray();
        foreach (var need in needs)
        {
            var field = copy.AsSpan(checked((int)need.FlagsOffset), sizeof(ushort));
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(field);
            if (flags != need.Flags)
            {
                throw new InvalidOperationException(
                    $"vna_flags of {need.Name} at 0x{need.FlagsOffset:x} is 0x{flags:x}, not the 0x{need.Flags:x} read before");
            }
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)(flags | VersionNeed.WeakFlag));
        }
        return copy;
    }
}
