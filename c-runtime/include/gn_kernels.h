/**
 * @file gn_kernels.h
 * @brief Portable kernels of the integer program.
 *
 * The per-pixel helpers are GN_INLINE so that the generated code, which calls them with
 * compile-time shapes, gets loops with constant bounds that the compiler can unroll. The linear
 * head runs once per image and is an ordinary function (src/gn_linear_s8.c).
 */
#ifndef GN_KERNELS_H
#define GN_KERNELS_H

#include <stdint.h>

#include "gn_config.h"
#include "gn_popcount.h"
#include "gn_types.h"

/**
 * @brief Copies the kernel x kernel window of a levels tensor whose top-left tap is (iy0, ix0)
 *        into @p win, writing 0 (level 0) for taps outside the tensor.
 * @param in          levels tensor uint32_t [in_h][in_w][pixel_words]
 * @param in_h        input height
 * @param in_w        input width
 * @param pixel_words bits * words of one pixel
 * @param kernel      square kernel size
 * @param iy0         row of the top-left tap, may be negative (zero padding)
 * @param ix0         column of the top-left tap, may be negative
 * @param win         output uint32_t [kernel*kernel][pixel_words]
 */
GN_INLINE void gn_window_gather_u32(const uint32_t *in, int32_t in_h, int32_t in_w, int32_t pixel_words,
                                    int32_t kernel, int32_t iy0, int32_t ix0, uint32_t *win)
{
    int32_t ky, kx, i;
    for (ky = 0; ky < kernel; ky++)
    {
        int32_t iy = iy0 + ky;
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t ix = ix0 + kx;
            uint32_t *dst = win + (ky * kernel + kx) * pixel_words;
            if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            {
                const uint32_t *src = in + (iy * in_w + ix) * pixel_words;
                for (i = 0; i < pixel_words; i++)
                {
                    dst[i] = src[i];
                }
            }
            else
            {
                for (i = 0; i < pixel_words; i++)
                {
                    dst[i] = 0u;
                }
            }
        }
    }
}

/**
 * @brief Copies the kernel x kernel window of a uint8 image whose top-left tap is (iy0, ix0)
 *        into @p win, writing 0 for taps outside the image (zero padding contributes 0).
 * @param in       image uint8_t [in_h][in_w][channels]
 * @param in_h     image height
 * @param in_w     image width
 * @param channels channels per pixel
 * @param kernel   square kernel size
 * @param iy0      row of the top-left tap, may be negative
 * @param ix0      column of the top-left tap, may be negative
 * @param win      output uint8_t [kernel*kernel][channels]
 */
GN_INLINE void gn_window_gather_u8(const uint8_t *in, int32_t in_h, int32_t in_w, int32_t channels,
                                   int32_t kernel, int32_t iy0, int32_t ix0, uint8_t *win)
{
    int32_t ky, kx, i;
    for (ky = 0; ky < kernel; ky++)
    {
        int32_t iy = iy0 + ky;
        for (kx = 0; kx < kernel; kx++)
        {
            int32_t ix = ix0 + kx;
            uint8_t *dst = win + (ky * kernel + kx) * channels;
            if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
            {
                const uint8_t *src = in + (iy * in_w + ix) * channels;
                for (i = 0; i < channels; i++)
                {
                    dst[i] = src[i];
                }
            }
            else
            {
                for (i = 0; i < channels; i++)
                {
                    dst[i] = 0u;
                }
            }
        }
    }
}

/**
 * @brief sum_b 2^b * sum popcount(A_b) over a gathered window: the part of a binary conv's
 *        accumulator that does not depend on the output channel.
 * @param win   uint32_t [taps][bits][words]
 * @param taps  kernel * kernel
 * @param bits  activation bits (planes)
 * @param words words per plane
 * @return 0 .. (2^bits - 1) * taps * 32 * words
 */
GN_INLINE int32_t gn_window_popcount_u32(const uint32_t *win, int32_t taps, int32_t bits, int32_t words)
{
    int32_t sum = 0, t, b, w;
    for (t = 0; t < taps; t++)
    {
        for (b = 0; b < bits; b++)
        {
            int32_t plane = 0;
            for (w = 0; w < words; w++)
            {
                plane += gn_popcount_u32(win[(t * bits + b) * words + w]);
            }
            sum += plane * (1 << b);
        }
    }
    return sum;
}

/**
 * @brief Binary conv accumulator of one output channel from a gathered window:
 *        acc = 2 * sum_b 2^b * sum popcount(A_b & W) - @p window_popcount.
 * @param win             uint32_t [taps][bits][words]
 * @param weights         one filter, uint32_t [taps][words] (bit 1 = +1)
 * @param taps            kernel * kernel
 * @param bits            activation bits (planes)
 * @param words           words per plane
 * @param window_popcount gn_window_popcount_u32() of the same window
 * @return the +/-1 dot product, |acc| <= (2^bits - 1) * taps * channels
 */
GN_INLINE int32_t gn_binary_dot_u32(const uint32_t *win, const uint32_t *weights, int32_t taps, int32_t bits,
                                    int32_t words, int32_t window_popcount)
{
    int32_t sum = 0, t, b, w;
    for (t = 0; t < taps; t++)
    {
        for (w = 0; w < words; w++)
        {
            uint32_t wt = weights[t * words + w];
            for (b = 0; b < bits; b++)
            {
                sum += gn_popcount_u32(win[(t * bits + b) * words + w] & wt) * (1 << b);
            }
        }
    }
    return 2 * sum - window_popcount;
}

/**
 * @brief Dot product of uint8 pixels with int8 weights.
 * @param a pixels, 0..255
 * @param w weights, -127..127
 * @param n length
 */
GN_INLINE int32_t gn_dot_u8_s8(const uint8_t *a, const int8_t *w, int32_t n)
{
    int32_t sum = 0, i;
    for (i = 0; i < n; i++)
    {
        sum += (int32_t)a[i] * (int32_t)w[i];
    }
    return sum;
}

/**
 * @brief Level of channel @p c in one pixel of a levels tensor.
 * @param pixel uint32_t [bits][words]
 * @param bits  planes
 * @param words words per plane
 * @param c     channel
 * @return 0 .. 2^bits - 1
 */
GN_INLINE int32_t gn_level_get_u32(const uint32_t *pixel, int32_t bits, int32_t words, int32_t c)
{
    int32_t level = 0, b;
    for (b = 0; b < bits; b++)
    {
        level |= (int32_t)((pixel[b * words + (c >> 5)] >> (c & 31)) & 1u) << b;
    }
    return level;
}

/**
 * @brief Number of thresholds @p z reaches: the output level of a threshold epilogue.
 * @param z          the layer's int32 sum
 * @param thresholds @p count non-decreasing thresholds
 * @param count      2^bits - 1
 */
GN_INLINE int32_t gn_threshold_level_s32(int32_t z, const int32_t *thresholds, int32_t count)
{
    int32_t level = 0, i;
    for (i = 0; i < count; i++)
    {
        level += z >= thresholds[i] ? 1 : 0;
    }
    return level;
}

/**
 * @brief ORs channel @p c's level into one pixel of a levels tensor (the pixel must start zeroed).
 * @param pixel uint32_t [bits][words]
 * @param bits  planes
 * @param words words per plane
 * @param c     channel
 * @param level 0 .. 2^bits - 1
 */
GN_INLINE void gn_level_set_u32(uint32_t *pixel, int32_t bits, int32_t words, int32_t c, int32_t level)
{
    int32_t b;
    for (b = 0; b < bits; b++)
    {
        pixel[b * words + (c >> 5)] |= (uint32_t)((level >> b) & 1) << (c & 31);
    }
}

/**
 * @brief The threshold epilogue of one output pixel: channel c's level
 *        gn_threshold_level_s32(z[c], thresholds + c * count, count), packed into bit-planes. Each
 *        word of each plane is built in a register (channels taken from the top of the word down,
 *        one shift-and-add each) and stored once; padding bits come out 0.
 * @param z          int32_t [cout]
 * @param thresholds int32_t [cout][count]
 * @param count      thresholds per channel (2^bits - 1)
 * @param bits       planes, 1 .. 4
 * @param words      words per plane, ceil(cout / 32)
 * @param cout       channels
 * @param pixel      output uint32_t [bits][words]
 */
GN_INLINE void gn_threshold_pack_u32(const int32_t *z, const int32_t *thresholds, int32_t count, int32_t bits,
                                     int32_t words, int32_t cout, uint32_t *pixel)
{
    int32_t w;
    for (w = 0; w < words; w++)
    {
        uint32_t p0 = 0u, p1 = 0u, p2 = 0u, p3 = 0u;
        int32_t c = cout < (w + 1) * 32 ? cout : (w + 1) * 32;
        while (c > w * 32)
        {
            int32_t level;
            c--;
            if (count == 3)
            {
                /* 2 bits: thresholds are non-decreasing, so bit 1 = (z >= T2) and bit 0 = the
                   parity of the three comparisons */
                const int32_t *t = thresholds + c * 3;
                uint32_t g1 = z[c] >= t[0] ? 1u : 0u, g2 = z[c] >= t[1] ? 1u : 0u, g3 = z[c] >= t[2] ? 1u : 0u;
                p0 = (p0 << 1) + (g1 ^ g2 ^ g3);
                p1 = (p1 << 1) + g2;
                continue;
            }
            level = gn_threshold_level_s32(z[c], thresholds + c * count, count);
            p0 = (p0 << 1) + (uint32_t)(level & 1);
            p1 = (p1 << 1) + (uint32_t)((level >> 1) & 1);
            p2 = (p2 << 1) + (uint32_t)((level >> 2) & 1);
            p3 = (p3 << 1) + (uint32_t)((level >> 3) & 1);
        }
        pixel[w] = p0;
        if (bits > 1)
        {
            pixel[words + w] = p1;
        }
        if (bits > 2)
        {
            pixel[2 * words + w] = p2;
        }
        if (bits > 3)
        {
            pixel[3 * words + w] = p3;
        }
    }
}

/**
 * @brief The 8-bit linear head:
 *        x8[c] = clamp(round_shift((int64)pooled[c] * Mq[c] + Oq[c], S), -127, 127),
 *        logits[j] = bias[j] + sum_c w8[j][c] * x8[c].
 * @param params head parameters (shapes, tables)
 * @param pooled int32_t [in_features]
 * @param logits int32_t [out_features], written
 */
void gn_linear_s8_requant(const gn_linear_s8_params_t *params, const int32_t *pooled, int32_t *logits);

#endif /* GN_KERNELS_H */
