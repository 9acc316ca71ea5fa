namespace GroupNet.Deployment.Model;

/// <summary>A deployment model that breaks a rule of the integer program; the message names the field.</summary>
public sealed class ModelValidationException(string field, string problem)
    : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}
