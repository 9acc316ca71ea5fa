using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// k-bit activations, Eq. 2 of Group-Net: q = floor(clip(x, 0, 1) * (2^k - 1) + 0.5) / (2^k - 1), i.e.
/// rounding half <b>up</b> (the integer exporter relies on exactly this). Backward is straight-through
/// inside the clip range: dL/dx = dL/dq where 0 &lt;= x &lt;= 1, zero outside. k = 32 means full-precision
/// activations: q = clip(x, 0, 1) without rounding (the k -&gt; infinity limit of Eq. 2), so the full-precision
/// parent keeps the same nonlinearity as its quantised children. k = 1 means sign activations with a per-sample
/// XNOR-Net scale: see <see cref="SignActivationQuantizer"/>, which this quantiser holds as its <c>sign</c> module.
/// <para>Training runs through <see cref="LevelQuantizerFunction"/>, one autograd node whose backward is the
/// straight-through mask.</para>
/// </summary>
public sealed class ActivationQuantizer : nn.Module<Tensor, Tensor>
{
    private readonly SignActivationQuantizer? sign;

    /// <summary>Creates a k-bit quantiser (k = 1 sign, 2 &lt;= k &lt;= 16 levels, or 32 for clip only).</summary>
    public ActivationQuantizer(int bits)
        : base(nameof(ActivationQuantizer))
    {
        if (bits != 32 && (bits < 1 || bits > 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "activation bits must be 1 (sign), 2..16 or 32");
        }
        Bits = bits;
        if (bits == 1)
        {
            sign = new SignActivationQuantizer();
            register_module(nameof(sign), sign);
        }
    }

    /// <summary>The sign quantiser that k = 1 delegates to, or null.</summary>
    public SignActivationQuantizer? SignQuantizer => sign;

    /// <summary>Bits per activation (1 = scaled sign, 32 = full precision: clip to [0, 1] only).</summary>
    public int Bits { get; }

    /// <summary>Number of steps 2^k - 1 (1 for sign activations: two values, -beta and +beta; 0 for clip only).</summary>
    public int Levels => Bits == 32 ? 0 : (1 << Bits) - 1;

    /// <summary>The integer level floor(clip(x, 0, 1) * (2^k - 1) + 0.5) of one value.</summary>
    public static int Level(float x, int bits)
    {
        int max = (1 << bits) - 1;
        return (int)MathF.Floor(Math.Clamp(x, 0f, 1f) * max + 0.5f);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (sign is not null)
        {
            return sign.forward(input);
        }
        if (input.requires_grad && is_grad_enabled())
        {
            return LevelQuantizerFunction.apply(input, (float)Levels);
        }
        var q = input.clamp(Scalars.Zero, Scalars.One);
        if (Bits == 32)
        {
            return q;
        }
        using var levels = ((float)Levels).ToScalar();
        return q.mul_(levels).add_(Scalars.Half, Scalars.One).floor_().div_(levels);
    }
}
