namespace GroupNet.Deployment.Model;

/// <summary>z[o] = sum_t M_t[o] * acc_t[o] at every output pixel, then the epilogue.</summary>
public sealed record AccumulateLayer(string Name, int Output, int OutChannels, EquatableArray<Term> Terms, Epilogue Epilogue);
