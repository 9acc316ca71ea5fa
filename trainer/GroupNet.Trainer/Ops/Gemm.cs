using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// Single-precision matrix kernels used by convolution and linear layers, register-blocked with
/// <see cref="Vector512{T}"/> fused multiply-add (AVX-512 on x64; the JIT splits Vector512 into narrower
/// vectors elsewhere). All matrices are row-major. Each kernel sums over the inner dimension in a fixed
/// order, so results are deterministic. <see cref="ReferenceMatMul"/> and <see cref="ReferenceMatMulTransB"/>
/// are the plain loops the optimised kernels are tested against.
/// </summary>
public static unsafe class Gemm
{
    private const int W = 16; // floats per Vector512

    /// <summary>
    /// C[M, N] (row stride ldc) = (accumulate ? C : 0) + A * B, with A(i, k) = a[i * aRowStride + k * aColStride]
    /// (so a transposed A costs nothing) and B[K, N] row-major with row stride ldb.
    /// </summary>
    public static void MatMul(int m, int n, int k, float* a, int aRowStride, int aColStride, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + (long)i * aRowStride;
            int j = 0;
            for (; j + 4 * W <= n; j += 4 * W)
            {
                Kernel4x64(k, a0, aRowStride, aColStride, b + j, ldb, c + (long)i * ldc + j, ldc, accumulate);
            }
            for (; j + W <= n; j += W)
            {
                Kernel4x16(k, a0, aRowStride, aColStride, b + j, ldb, c + (long)i * ldc + j, ldc, accumulate);
            }
            for (; j < n; j++)
            {
                for (int r = 0; r < 4; r++)
                {
                    float s = accumulate ? c[(long)(i + r) * ldc + j] : 0f;
                    float* ar = a0 + (long)r * aRowStride;
                    for (int p = 0; p < k; p++)
                    {
                        s += ar[(long)p * aColStride] * b[(long)p * ldb + j];
                    }
                    c[(long)(i + r) * ldc + j] = s;
                }
            }
        }
        for (; i < m; i++)
        {
            float* ar = a + (long)i * aRowStride;
            float* cr = c + (long)i * ldc;
            int j = 0;
            for (; j + W <= n; j += W)
            {
                var acc = accumulate ? Vector512.Load(cr + j) : Vector512<float>.Zero;
                for (int p = 0; p < k; p++)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(ar[(long)p * aColStride]), Vector512.Load(b + (long)p * ldb + j), acc);
                }
                acc.Store(cr + j);
            }
            for (; j < n; j++)
            {
                float s = accumulate ? cr[j] : 0f;
                for (int p = 0; p < k; p++)
                {
                    s += ar[(long)p * aColStride] * b[(long)p * ldb + j];
                }
                cr[j] = s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x64(int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        float* r0 = c, r1 = c + ldc, r2 = c + 2L * ldc, r3 = c + 3L * ldc;
        if (accumulate)
        {
            c00 = Vector512.Load(r0); c01 = Vector512.Load(r0 + 16); c02 = Vector512.Load(r0 + 32); c03 = Vector512.Load(r0 + 48);
            c10 = Vector512.Load(r1); c11 = Vector512.Load(r1 + 16); c12 = Vector512.Load(r1 + 32); c13 = Vector512.Load(r1 + 48);
            c20 = Vector512.Load(r2); c21 = Vector512.Load(r2 + 16); c22 = Vector512.Load(r2 + 32); c23 = Vector512.Load(r2 + 48);
            c30 = Vector512.Load(r3); c31 = Vector512.Load(r3 + 16); c32 = Vector512.Load(r3 + 32); c33 = Vector512.Load(r3 + 48);
        }
        else
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector512<float>.Zero;
        }
        float* a0 = a, a1 = a + ars, a2 = a + 2L * ars, a3 = a + 3L * ars;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16); var b2 = Vector512.Load(b + 32); var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(*a0);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); c02 = Vector512.FusedMultiplyAdd(x, b2, c02); c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(*a1);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); c12 = Vector512.FusedMultiplyAdd(x, b2, c12); c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(*a2);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); c22 = Vector512.FusedMultiplyAdd(x, b2, c22); c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(*a3);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); c32 = Vector512.FusedMultiplyAdd(x, b2, c32); c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
            a0 += acs; a1 += acs; a2 += acs; a3 += acs;
            b += ldb;
        }
        c00.Store(r0); c01.Store(r0 + 16); c02.Store(r0 + 32); c03.Store(r0 + 48);
        c10.Store(r1); c11.Store(r1 + 16); c12.Store(r1 + 32); c13.Store(r1 + 48);
        c20.Store(r2); c21.Store(r2 + 16); c22.Store(r2 + 32); c23.Store(r2 + 48);
        c30.Store(r3); c31.Store(r3 + 16); c32.Store(r3 + 32); c33.Store(r3 + 48);
    }

    private static void Kernel4x16(int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        float* r0 = c, r1 = c + ldc, r2 = c + 2L * ldc, r3 = c + 3L * ldc;
        Vector512<float> c0, c1, c2, c3;
        if (accumulate)
        {
            c0 = Vector512.Load(r0); c1 = Vector512.Load(r1); c2 = Vector512.Load(r2); c3 = Vector512.Load(r3);
        }
        else
        {
            c0 = c1 = c2 = c3 = Vector512<float>.Zero;
        }
        float* a0 = a, a1 = a + ars, a2 = a + 2L * ars, a3 = a + 3L * ars;
        for (int p = 0; p < k; p++)
        {
            var bv = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(*a0), bv, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(*a1), bv, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(*a2), bv, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(*a3), bv, c3);
            a0 += acs; a1 += acs; a2 += acs; a3 += acs;
            b += ldb;
        }
        c0.Store(r0); c1.Store(r1); c2.Store(r2); c3.Store(r3);
    }

    /// <summary>
    /// C[M, N] (row stride ldc) += A * B^T where A[M, K] (row stride lda) and B[N, K] (row stride ldb):
    /// dot products along contiguous rows, used for weight gradients.
    /// </summary>
    public static void MatMulTransB(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                Dot4x4(k, a + (long)i * lda, lda, b + (long)j * ldb, ldb, c + (long)i * ldc + j, ldc);
            }
            for (; j < n; j++)
            {
                for (int r = 0; r < 4; r++)
                {
                    c[(long)(i + r) * ldc + j] += Dot(k, a + (long)(i + r) * lda, b + (long)j * ldb);
                }
            }
        }
        for (; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[(long)i * ldc + j] += Dot(k, a + (long)i * lda, b + (long)j * ldb);
            }
        }
    }

    private static float Dot(int k, float* x, float* y)
    {
        var acc = Vector512<float>.Zero;
        int p = 0;
        for (; p + W <= k; p += W)
        {
            acc = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), acc);
        }
        float s = Vector512.Sum(acc);
        for (; p < k; p++)
        {
            s += x[p] * y[p];
        }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4(int k, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default,
            s10 = default, s11 = default, s12 = default, s13 = default,
            s20 = default, s21 = default, s22 = default, s23 = default,
            s30 = default, s31 = default, s32 = default, s33 = default;
        float* a0 = a, a1 = a + lda, a2 = a + 2L * lda, a3 = a + 3L * lda;
        float* b0 = b, b1 = b + ldb, b2 = b + 2L * ldb, b3 = b + 3L * ldb;
        int p = 0;
        for (; p + W <= k; p += W)
        {
            var x0 = Vector512.Load(a0 + p); var x1 = Vector512.Load(a1 + p); var x2 = Vector512.Load(a2 + p); var x3 = Vector512.Load(a3 + p);
            var y = Vector512.Load(b0 + p);
            s00 = Vector512.FusedMultiplyAdd(x0, y, s00); s10 = Vector512.FusedMultiplyAdd(x1, y, s10); s20 = Vector512.FusedMultiplyAdd(x2, y, s20); s30 = Vector512.FusedMultiplyAdd(x3, y, s30);
            y = Vector512.Load(b1 + p);
            s01 = Vector512.FusedMultiplyAdd(x0, y, s01); s11 = Vector512.FusedMultiplyAdd(x1, y, s11); s21 = Vector512.FusedMultiplyAdd(x2, y, s21); s31 = Vector512.FusedMultiplyAdd(x3, y, s31);
            y = Vector512.Load(b2 + p);
            s02 = Vector512.FusedMultiplyAdd(x0, y, s02); s12 = Vector512.FusedMultiplyAdd(x1, y, s12); s22 = Vector512.FusedMultiplyAdd(x2, y, s22); s32 = Vector512.FusedMultiplyAdd(x3, y, s32);
            y = Vector512.Load(b3 + p);
            s03 = Vector512.FusedMultiplyAdd(x0, y, s03); s13 = Vector512.FusedMultiplyAdd(x1, y, s13); s23 = Vector512.FusedMultiplyAdd(x2, y, s23); s33 = Vector512.FusedMultiplyAdd(x3, y, s33);
        }
        float* r0 = c, r1 = c + ldc, r2 = c + 2L * ldc, r3 = c + 3L * ldc;
        float t00 = Vector512.Sum(s00), t01 = Vector512.Sum(s01), t02 = Vector512.Sum(s02), t03 = Vector512.Sum(s03);
        float t10 = Vector512.Sum(s10), t11 = Vector512.Sum(s11), t12 = Vector512.Sum(s12), t13 = Vector512.Sum(s13);
        float t20 = Vector512.Sum(s20), t21 = Vector512.Sum(s21), t22 = Vector512.Sum(s22), t23 = Vector512.Sum(s23);
        float t30 = Vector512.Sum(s30), t31 = Vector512.Sum(s31), t32 = Vector512.Sum(s32), t33 = Vector512.Sum(s33);
        for (; p < k; p++)
        {
            float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
            float y0 = b0[p], y1 = b1[p], y2 = b2[p], y3 = b3[p];
            t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
            t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
            t20 += x2 * y0; t21 += x2 * y1; t22 += x2 * y2; t23 += x2 * y3;
            t30 += x3 * y0; t31 += x3 * y1; t32 += x3 * y2; t33 += x3 * y3;
        }
        r0[0] += t00; r0[1] += t01; r0[2] += t02; r0[3] += t03;
        r1[0] += t10; r1[1] += t11; r1[2] += t12; r1[3] += t13;
        r2[0] += t20; r2[1] += t21; r2[2] += t22; r2[3] += t23;
        r3[0] += t30; r3[1] += t31; r3[2] += t32; r3[3] += t33;
    }

    /// <summary>Plain triple loop: C = (accumulate ? C : 0) + A[M,K] * B[K,N] (dense row-major).</summary>
    public static void ReferenceMatMul(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? c[i * n + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float)s;
            }
        }
    }

    /// <summary>Plain loop: C[M,N] += A[M,K] * B[N,K]^T (dense row-major).</summary>
    public static void ReferenceMatMulTransB(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = c[i * n + j];
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i * k + p] * b[j * k + p];
                }
                c[i * n + j] = (float)s;
            }
        }
    }
}
