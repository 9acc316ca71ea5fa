using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>The 8-bit head: its tables and a gn_linear_s8_params_t that gn_linear_s8_requant() runs.</summary>
public sealed class LinearHeadEmitter
{
    public IReadOnlyList<CTable> Tables(LinearHead h)
    {
        string name = CLiteral.CommentText(h.Name);
        return
        [
            CTable.Flat("gn_head_requant_mult", "int32_t", $"head \"{name}\": requantisation multipliers Mq[{h.InFeatures}]", h.RequantMultipliers, CLiteral.Int32, 8, "features"),
            CTable.Flat("gn_head_requant_offset", "int64_t", $"head \"{name}\": requantisation offsets Oq[{h.InFeatures}] (shift {h.RequantShift})", h.RequantOffsets, CLiteral.Int64, 4, "features"),
            CTable.Matrix("gn_head_weights", "int8_t", $"head \"{name}\": int8 weights [{h.OutFeatures} classes][{h.InFeatures} features]", h.Weights, h.OutFeatures, v => CLiteral.Int(v), "class"),
            CTable.Flat("gn_head_bias", "int32_t", $"head \"{name}\": bias[{h.OutFeatures}]", h.Bias, CLiteral.Int32, 10, "classes"),
        ];
    }

    public string Params(LinearHead h) =>
        "static const gn_linear_s8_params_t gn_head_params = {\n" +
        $"    {CLiteral.Int(h.InFeatures)}, {CLiteral.Int(h.OutFeatures)}, gn_head_requant_mult, gn_head_requant_offset, {CLiteral.Int(h.RequantShift)},\n" +
        "    &gn_head_weights[0][0], gn_head_bias\n};";
}
