using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Where a term sits: its layer, its position, the C name of its input inside the layer
/// function, whether it starts z (<c>=</c>) or adds to it (<c>+=</c>), and which kernels it may use.</summary>
public sealed record TermContext(DeploymentModel Model, AccumulateLayer Layer, int LayerIndex, int TermIndex, string InputArg, KernelChoice Kernels = KernelChoice.Fast)
{
    public TensorSpec Input => Model.Tensors[Layer.Terms[TermIndex].Input];

    public string Prefix => $"GN_L{LayerIndex}_T{TermIndex}_";

    public string Op => TermIndex == 0 ? "=" : "+=";

    public string TableName(string what) => $"gn_l{LayerIndex}_t{TermIndex}_{what}";

    public CTable MultiplierTable(Term term) =>
        CTable.Flat(TableName("mult"), "int32_t", $"layer {LayerIndex} \"{CLiteral.CommentText(Layer.Name)}\" term {TermIndex}: multipliers M[{Layer.OutChannels}]",
            term.Multipliers, CLiteral.Int32, 8, "channels");
}
