using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>
/// A test that needs Renode: skipped, with <see cref="SkipReason"/> as the reason xunit prints,
/// when <c>renode</c> is not on PATH (Renode has no Debian package and cannot be installed on this
/// project's build machine; QEMU tests never skip). Where Renode is installed it runs like [Fact].
/// </summary>
public sealed class RenodeFactAttribute : FactAttribute
{
    /// <summary>The skip reason when Renode is absent.</summary>
    public const string SkipReason = "Renode is not installed (renode not on PATH)";

    public RenodeFactAttribute()
    {
        if (!RenodeRunner.IsAvailable)
        {
            Skip = SkipReason;
        }
    }
}
