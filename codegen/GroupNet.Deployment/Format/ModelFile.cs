using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Format;

/// <summary>
/// The deployment model file (<c>.gndm</c>): a small binary container around a self-describing JSON
/// payload.
/// <code>
/// offset 0   4 bytes  magic "GNDM"
/// offset 4   uint16   format version (little-endian), currently 1
/// offset 6   uint16   reserved, 0
/// offset 8   uint32   payload length in bytes
/// offset 12  payload  UTF-8 JSON (see <see cref="ModelJson"/>)
/// then       32 bytes SHA-256 of the payload
/// </code>
/// Reading validates the container, the JSON fields and then the integer program
/// (<see cref="ModelValidator"/>); every rejection is a <see cref="ModelFormatException"/> naming the field.
/// </summary>
public static class ModelFile
{
    public const string Extension = ".gndm";
    public const int MaxPayloadBytes = 256 * 1024 * 1024;
    private static ReadOnlySpan<byte> Magic => "GNDM"u8;
    private const int HeaderBytes = 12;
    private const int ChecksumBytes = 32;

    public static byte[] Serialize(DeploymentModel model)
    {
        ModelValidator.Validate(model);
        byte[] payload = ModelJson.Write(model);
        var bytes = new byte[HeaderBytes + payload.Length + ChecksumBytes];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), DeploymentModel.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)payload.Length);
        payload.CopyTo(bytes, HeaderBytes);
        SHA256.HashData(payload, bytes.AsSpan(HeaderBytes + payload.Length));
        return bytes;
    }

    public static DeploymentModel Deserialize(ReadOnlySpan<byte> bytes, string source = "model")
    {
        try
        {
            if (bytes.Length < HeaderBytes + ChecksumBytes)
            {
                throw new ModelFormatException($"file is {bytes.Length} bytes, too short for a model file (at least {HeaderBytes + ChecksumBytes})");
            }
            if (!bytes[..4].SequenceEqual(Magic))
            {
                throw new ModelFormatException("magic: not a Group-Net deployment model (expected 'GNDM')");
            }
            int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
            if (version != DeploymentModel.FormatVersion)
            {
                throw new ModelFormatException($"version: format version {version} is not supported (this tool reads version {DeploymentModel.FormatVersion})");
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            if (length > MaxPayloadBytes || HeaderBytes + (long)length + ChecksumBytes != bytes.Length)
            {
                throw new ModelFormatException($"payload_length: header says {length} bytes, file holds {bytes.Length - HeaderBytes - ChecksumBytes} (truncated or extended file)");
            }
            var payload = bytes.Slice(HeaderBytes, (int)length);
            Span<byte> digest = stackalloc byte[ChecksumBytes];
            SHA256.HashData(payload, digest);
            if (!digest.SequenceEqual(bytes[(HeaderBytes + (int)length)..]))
            {
                throw new ModelFormatException("checksum: SHA-256 of the payload does not match (file corrupted)");
            }
            var model = ModelJson.Read(payload);
            ModelValidator.Validate(model);
            return model;
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
        catch (ModelValidationException e)
        {
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
    }

    public static DeploymentModel Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelFormatException($"{path}: file not found");
        }
        if (info.Length > MaxPayloadBytes + HeaderBytes + ChecksumBytes)
        {
            throw new ModelFormatException($"{path}: {info.Length} bytes is larger than any model file");
        }
        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>Writes atomically: a temporary file beside the target, then a rename.</summary>
    public static void Save(DeploymentModel model, string path)
    {
        byte[] bytes = Serialize(model);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            // A failed write leaves the previous model file as it was, and no temporary file behind.
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
            throw;
        }
    }

    /// <summary>Hex SHA-256 of the payload: identifies a model in provenance banners.</summary>
    public static string Hash(DeploymentModel model) =>
        Convert.ToHexStringLower(SHA256.HashData(ModelJson.Write(model)));
}
