namespace GroupNet.Firmware.Size;

/// <summary>
/// A linked image against its board's real part: flash, static RAM (the part's RAM less the stack
/// reservation) and the measured stack peak against the reservation.
/// </summary>
/// <param name="Board">The board (its part's memory).</param>
/// <param name="FlashBytes">Flash the image uses.</param>
/// <param name="StaticRamBytes">.data + .bss.</param>
/// <param name="StackPeakBytes">Measured peak stack (GN-STACK), or null when not measured.</param>
public sealed record FitCheck(Board Board, long FlashBytes, long StaticRamBytes, long? StackPeakBytes)
{
    /// <summary>Flash left on the part (negative: overflow).</summary>
    public long FlashFree => Board.FlashBytes - FlashBytes;

    /// <summary>Static RAM left below the stack reservation (negative: overflow).</summary>
    public long StaticRamFree => Board.StaticRamBytes - StaticRamBytes;

    /// <summary>Stack reservation left at the measured peak (null when not measured).</summary>
    public long? StackFree => StackPeakBytes is long s ? Board.StackBytes - s : null;

    /// <summary>Everything fits the part.</summary>
    public bool Fits => FlashFree >= 0 && StaticRamFree >= 0 && (StackFree ?? 0) >= 0;

    /// <summary>"fits" or what overflows, e.g. "does not fit: RAM overflow by 120 bytes".</summary>
    public string Describe()
    {
        var problems = new List<string>();
        if (FlashFree < 0) { problems.Add($"flash overflow by {-FlashFree} bytes"); }
        if (StaticRamFree < 0) { problems.Add($"RAM overflow by {-StaticRamFree} bytes"); }
        if (StackFree is < 0) { problems.Add($"stack overflow by {-StackFree} bytes"); }
        return problems.Count == 0 ? "fits" : "does not fit: " + string.Join(", ", problems);
    }
}
