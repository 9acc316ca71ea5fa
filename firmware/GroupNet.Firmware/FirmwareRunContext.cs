namespace GroupNet.Firmware;

/// <summary>
/// What a failure message names besides the machine: the core, the configuration the image was built
/// from, and the image the firmware was working on when it stopped.
/// </summary>
/// <param name="Board">Where the firmware ran.</param>
/// <param name="Configuration">Model and options, or null when the caller did not say.</param>
internal sealed record FirmwareRunContext(Board Board, string? Configuration)
{
    /// <summary>"core M4, configuration 'k2a2 fast kernels', image 17" from the output seen so far.</summary>
    public string Describe(string output)
    {
        var configuration = Configuration is null ? string.Empty : $", configuration '{Configuration}'";
        var done = output.Split('\n').Any(l => l.StartsWith(FirmwareOutput.Sentinel + " ", StringComparison.Ordinal));
        var image = done ? "after the last image" : $"image {FirmwareOutput.ImageInProgress(output)}";
        return $"core Cortex-{Board.Core}{configuration}, {image}";
    }
}
