using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// The direct kernel's inner loop: 4 output channels x 64 flat outputs (4 Vector512) held in 16 accumulator
/// registers across every input channel and tap, so outputs are written once and each input vector load
/// feeds 4 FMAs (the output-channel blocking) and each weight broadcast feeds 4 (the width blocking).
/// 16 accumulators + 4 inputs + 4 broadcasts fit AVX-512's 32 registers without spills.
/// <para>Each output is one fused multiply-add chain from zero over (channel, ky, kx) in that order — the
/// order of the im2col rows that <see cref="Gemm.MatMul"/> sums — which is why the two paths agree bit for bit.</para>
/// </summary>
internal static unsafe class DirectConv3x3Microkernel
{
    /// <param name="input">packed channel 0 plus the block's first flat output index q0</param>
    /// <param name="channelStride">floats between packed input channels</param>
    /// <param name="cin">input channels</param>
    /// <param name="taps">offset of each of the 9 taps from q (<see cref="DirectConv3x3Geometry.TapOffsets"/>)</param>
    /// <param name="weights">this output-channel block's packed weights, [cin][tap][4]</param>
    /// <param name="output">output channel 0 of the block plus q0; the 4 channels are outStride apart</param>
    /// <param name="outStride">floats between the block's output channels</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block4x64(float* input, int channelStride, int cin, int* taps, float* weights, float* output, int outStride)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int c = 0; c < cin; c++)
        {
            float* ch = input + (long)c * channelStride;
            float* wc = weights + c * 36;
            for (int t = 0; t < 9; t++)
            {
                float* p = ch + taps[t];
                var x0 = Vector512.Load(p);
                var x1 = Vector512.Load(p + 16);
                var x2 = Vector512.Load(p + 32);
                var x3 = Vector512.Load(p + 48);
                float* wt = wc + t * 4;
                var w = Vector512.Create(wt[0]);
                c00 = Vector512.FusedMultiplyAdd(w, x0, c00); c01 = Vector512.FusedMultiplyAdd(w, x1, c01);
                c02 = Vector512.FusedMultiplyAdd(w, x2, c02); c03 = Vector512.FusedMultiplyAdd(w, x3, c03);
                w = Vector512.Create(wt[1]);
                c10 = Vector512.FusedMultiplyAdd(w, x0, c10); c11 = Vector512.FusedMultiplyAdd(w, x1, c11);
                c12 = Vector512.FusedMultiplyAdd(w, x2, c12); c13 = Vector512.FusedMultiplyAdd(w, x3, c13);
                w = Vector512.Create(wt[2]);
                c20 = Vector512.FusedMultiplyAdd(w, x0, c20); c21 = Vector512.FusedMultiplyAdd(w, x1, c21);
                c22 = Vector512.FusedMultiplyAdd(w, x2, c22); c23 = Vector512.FusedMultiplyAdd(w, x3, c23);
                w = Vector512.Create(wt[3]);
                c30 = Vector512.FusedMultiplyAdd(w, x0, c30); c31 = Vector512.FusedMultiplyAdd(w, x1, c31);
                c32 = Vector512.FusedMultiplyAdd(w, x2, c32); c33 = Vector512.FusedMultiplyAdd(w, x3, c33);
            }
        }
        float* o = output;
        c00.Store(o); c01.Store(o + 16); c02.Store(o + 32); c03.Store(o + 48);
        o += outStride;
        c10.Store(o); c11.Store(o + 16); c12.Store(o + 32); c13.Store(o + 48);
        o += outStride;
        c20.Store(o); c21.Store(o + 16); c22.Store(o + 32); c23.Store(o + 48);
        o += outStride;
        c30.Store(o); c31.Store(o + 16); c32.Store(o + 32); c33.Store(o + 48);
    }
}
