using FluentAssertions;
using GroupNet.Cli;
using GroupNet.Cli.Reports;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Cli;

/// <summary>The models a report takes: seeded random binary and int8 specs, and the kind the report labels them with.</summary>
public class ReportModelTests
{
    [Fact]
    public void A_random_binary_spec_builds_a_binary_model_with_its_K_and_bits()
    {
        var m = ReportModel.Load("random:k=3,bits=4,seed=2");

        m.Label.Should().Be("random_k3_b4_s2");
        m.Kind.Should().Be("binary");
        m.ActivationBits.Should().Be(4);
    }

    [Fact]
    public void A_model_with_1_bit_activations_is_labelled_with_1_bit_not_the_images_8()
    {
        var m = ReportModel.Load("random:k=5,bits=1,seed=1");

        m.Model.Tensors.Should().Contain(t => t.Kind == TensorKind.Image);
        m.ActivationBits.Should().Be(1);
    }

    [Fact]
    public void A_random_int8_spec_builds_the_int8_network_the_report_labels_int8()
    {
        var m = ReportModel.Load("random:int8,seed=3");

        m.Label.Should().Be("random_int8_s3");
        m.Kind.Should().Be("int8");
        m.ActivationBits.Should().Be(8);
        m.Model.Layers.SelectMany(l => l.Terms).Should().NotContain(t => t is BinaryConvTerm);
        ModelValidator.Validate(m.Model);
    }

    [Theory]
    [InlineData("random:k=2,bits=3,seed=1")]
    [InlineData("random:int9,seed=1")]
    [InlineData("random:k=x")]
    public void A_malformed_spec_is_a_user_error(string spec)
    {
        var load = () => ReportModel.Load(spec);

        load.Should().Throw<UserInputException>().WithMessage($"model '{spec}'*");
    }
}
