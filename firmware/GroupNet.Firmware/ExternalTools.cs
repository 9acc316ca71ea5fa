namespace GroupNet.Firmware;

/// <summary>Finds the external tools on PATH, with the Debian package that provides each.</summary>
internal static class ExternalTools
{
    public const string CMake = "cmake";
    public const string ArmGcc = "arm-none-eabi-gcc";
    public const string ArmSize = "arm-none-eabi-size";
    public const string ArmNm = "arm-none-eabi-nm";
    public const string QemuSystemArm = "qemu-system-arm";
    public const string HostCc = "gcc";
    public const string Renode = "renode";

    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        [CMake] = "cmake",
        [ArmGcc] = "gcc-arm-none-eabi libnewlib-arm-none-eabi",
        [ArmSize] = "binutils-arm-none-eabi",
        [ArmNm] = "binutils-arm-none-eabi",
        [QemuSystemArm] = "qemu-system-arm",
        [HostCc] = "gcc",
        [Renode] = "renode (no Debian package: the .deb or portable build from https://renode.io)",
    };

    /// <summary>Absolute path of <paramref name="tool"/>, or null when it is not on PATH.</summary>
    public static string? Find(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Absolute path of <paramref name="tool"/>.</summary>
    /// <exception cref="ToolNotFoundException">It is not on PATH; the message names the apt package.</exception>
    public static string Require(string tool) =>
        Find(tool) ?? throw new ToolNotFoundException(tool, Packages.GetValueOrDefault(tool, tool));
}
