using System.Runtime.Intrinsics;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// k-bit activations, Eq. 2 of Group-Net: q = floor(clip(x, 0, 1) * (2^k - 1) + 0.5) / (2^k - 1), i.e.
/// rounding half <b>up</b> (the integer exporter relies on exactly this). Backward is straight-through
/// inside the clip range: dL/dx = dL/dq where 0 &lt;= x &lt;= 1, zero outside. k = 32 means full-precision
/// activations: q = clip(x, 0, 1) without rounding (the k -&gt; infinity limit of Eq. 2), so the full-precision
/// parent keeps the same nonlinearity as its quantised children (a pure identity would leave the parent almost
/// linear: its only other nonlinearity is the stem ReLU). k = 1 means sign activations with a per-sample
/// XNOR-Net scale, y = mean(|x|) * sign(x) with sign(0) = +1 and a straight-through gradient inside |x| &lt;= 1:
/// see <see cref="SignActivationQuantizer"/>, which this quantiser delegates to (the integer exporter folds beta as a constant: the
/// mean observed on calibration images).
/// </summary>
public sealed class ActivationQuantizer : Module
{
    private readonly SignActivationQuantizer? _sign;

    /// <summary>Creates a k-bit quantiser (k = 1 sign, 2 &lt;= k &lt;= 16 levels, or 32 for clip only).</summary>
    public ActivationQuantizer(TrainingContext context, int bits)
        : base(context)
    {
        if (bits != 32 && (bits < 1 || bits > 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "activation bits must be 1 (sign), 2..16 or 32");
        }
        Bits = bits;
        // Registered, so eval mode and the statistics pass reach it and its estimated scale is saved in checkpoints.
        _sign = bits == 1 ? RegisterModule("Sign", new SignActivationQuantizer(context)) : null;
    }

    /// <summary>The sign quantiser that k = 1 delegates to, or null.</summary>
    public SignActivationQuantizer? SignQuantizer => _sign;

    /// <summary>Bits per activation (1 = scaled sign, 32 = full precision: clip to [0, 1] only).</summary>
    public int Bits { get; }

    /// <summary>Number of steps 2^k - 1 (1 for sign activations: two values, -beta and +beta).</summary>
    public int Levels => Bits == 32 ? 0 : (1 << Bits) - 1;

    /// <summary>The integer level floor(clip(x, 0, 1) * (2^k - 1) + 0.5) of one value.</summary>
    public static int Level(float x, int bits)
    {
        int max = (1 << bits) - 1;
        return (int)MathF.Floor(Math.Clamp(x, 0f, 1f) * max + 0.5f);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (_sign is not null)
        {
            return _sign.Forward(input);
        }
        var ctx = Context;
        var y = Tensor.Create(ctx, false, input.ShapeArray());
        var xd = input.Data;
        var yd = y.Data;
        float levels = Levels;
        Functional.ForSlices(ctx, xd.Length, (s, l) => Quantize(xd, yd, s, l, levels));
        y.AttachGrad(ctx, [input], output =>
        {
            var dy = output.Grad!;
            var dx = input.EnsureGrad(ctx);
            Functional.ForSlices(ctx, dx.Length, (s, l) => PassInside(xd, dy, dx, s, l));
        });
        return y;
    }

    private static unsafe void Quantize(float[] x, float[] y, int start, int count, float levels)
    {
        if (levels == 0f)
        {
            System.Numerics.Tensors.TensorPrimitives.Clamp(new ReadOnlySpan<float>(x, start, count), 0f, 1f, new Span<float>(y, start, count));
            return;
        }
        var vl = Vector512.Create(levels);
        var half = Vector512.Create(0.5f);
        var one = Vector512.Create(1f);
        fixed (float* px = x, py = y)
        {
            int i = start, end = start + count;
            for (; i + 16 <= end; i += 16)
            {
                var v = Vector512.Min(Vector512.Max(Vector512.Load(px + i), Vector512<float>.Zero), one);
                (Vector512.Floor(v * vl + half) / vl).Store(py + i);
            }
            for (; i < end; i++)
            {
                py[i] = MathF.Floor(Math.Clamp(px[i], 0f, 1f) * levels + 0.5f) / levels;
            }
        }
    }

    private static unsafe void PassInside(float[] x, float[] dy, float[] dx, int start, int count)
    {
        var one = Vector512.Create(1f);
        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            int i = start, end = start + count;
            for (; i + 16 <= end; i += 16)
            {
                var v = Vector512.Load(px + i);
                var mask = Vector512.GreaterThanOrEqual(v, Vector512<float>.Zero) & Vector512.LessThanOrEqual(v, one);
                (Vector512.Load(pdx + i) + (Vector512.Load(pdy + i) & mask)).Store(pdx + i);
            }
            for (; i < end; i++)
            {
                if (px[i] >= 0f && px[i] <= 1f)
                {
                    pdx[i] += pdy[i];
                }
            }
        }
    }
}
