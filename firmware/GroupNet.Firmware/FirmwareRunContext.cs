namespace GroupNet.Firmware;

/// <summary>
/// What a failure message names besides the machine: the core, the configuration the image was built
/// from, and the image the firmware was working on when it stopped.
/// </summary>
/// <param name="Board">Where the firmware ran.</param>
/// <param name="Configuration">Model and options, or null when the caller did not say.</param>
internal sealed record FirmwareRunContext(Board Board, string? Configuration)
{
    /// <summary>
    /// "core Cortex-M4, configuration '...', image 17": the image is the one after the last well-formed
    /// logits line of the output seen so far (the one that faulted, hung or printed a bad line).
    /// </summary>
    public string Describe(string output)
    {
        var configuration = Configuration is null ? string.Empty : $", configuration '{Configuration}'";
        return $"core Cortex-{Board.Core}{configuration}, image {FirmwareOutput.ImageInProgress(output)}";
    }
}
