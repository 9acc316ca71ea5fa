namespace GroupNet.Firmware.Size;

/// <summary>Flash bytes of one layer (or the head) of a generated model.</summary>
/// <param name="Name">Layer name from the model, or <c>head</c>.</param>
/// <param name="Index">Layer index, or -1 for the head.</param>
/// <param name="WeightBytes">Packed binary / int8 weight tables (<c>gn_l&lt;i&gt;_t&lt;j&gt;_weights</c>, the carry-save
/// kernels' <c>gn_l&lt;i&gt;_t&lt;j&gt;_filters</c> with their per-filter multiplier word, the vertical kernel's <c>_vweights</c>, the fused stem's <c>_rows</c> with their thresholds, <c>gn_head_weights</c>).</param>
/// <param name="TableBytes">Thresholds, multipliers and other constant tables of the layer (<c>gn_l&lt;i&gt;_*</c>, <c>gn_head_*</c>).</param>
/// <param name="CodeBytes">The layer's generated function(s) (<c>gn_layer&lt;i&gt;_*</c>; the head's kernel is shared runtime code, 0).</param>
public sealed record LayerBytes(string Name, int Index, long WeightBytes, long TableBytes, long CodeBytes)
{
    /// <summary>All flash bytes of the layer.</summary>
    public long TotalBytes => WeightBytes + TableBytes + CodeBytes;
}
