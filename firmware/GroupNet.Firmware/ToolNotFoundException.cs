namespace GroupNet.Firmware;

/// <summary>An external tool (cmake, arm-none-eabi-gcc, qemu-system-arm, ...) is not on PATH.</summary>
public sealed class ToolNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="tool"/>, naming the Debian package that provides it.</summary>
    public ToolNotFoundException(string tool, string aptPackage)
        : base($"'{tool}' was not found on PATH. Install it with: apt-get install {aptPackage}")
    {
        Tool = tool;
        AptPackage = aptPackage;
    }

    /// <summary>The missing executable.</summary>
    public string Tool { get; }

    /// <summary>The Debian package(s) that provide it.</summary>
    public string AptPackage { get; }
}
