/**
 * @file gn_linear_s8_requant.c
 * @brief The 8-bit linear head (docs/integer-arithmetic.md, "Linear head").
 */
#include "gn_arith.h"
#include "gn_kernels.h"

void gn_linear_s8_requant(const gn_linear_s8_params_t *params, const int32_t *pooled, int32_t *logits)
{
    int32_t c, j;
    for (j = 0; j < params->out_features; j++)
    {
        logits[j] = params->bias[j];
    }
    for (c = 0; c < params->in_features; c++)
    {
        int64_t v = (int64_t)pooled[c] * params->requant_mult[c] + params->requant_offset[c];
        int32_t x8 = (int32_t)gn_clamp_s64(gn_round_shift_s64(v, params->requant_shift), -127, 127);
        for (j = 0; j < params->out_features; j++)
        {
            logits[j] += (int32_t)params->weights[j * params->in_features + c] * x8;
        }
    }
}
