using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Codegen;

public sealed class ModelEmitterTests
{
    private static DeploymentModel Model(string name = "det") =>
        GeneratedCBitExactTests.Build(name, 5, 2, 2, [16, 32, 64], [1, 2, 2], false);

    [Fact]
    public void EmittingTwiceGivesIdenticalBytes()
    {
        var model = Model();
        var options = new EmitOptions(GeneratedCBitExactTests.Images(1, model.InputBytes).Take(3).ToList());
        string a = CCompiler.TempDir("det-a"), b = CCompiler.TempDir("det-b");
        new ModelEmitter().Emit(model, a, options);
        new ModelEmitter().Emit(Model(), b, options with { TestImages = options.TestImages.Select(i => (byte[])i.Clone()).ToList() });
        var filesA = Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var filesB = Directory.GetFiles(b).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        filesA.Should().Equal(filesB);
        foreach (string f in filesA!)
        {
            File.ReadAllBytes(Path.Combine(a, f!)).Should().Equal(File.ReadAllBytes(Path.Combine(b, f!)), f);
        }
        Directory.Delete(a, true);
        Directory.Delete(b, true);
    }

    [Fact]
    public void HeaderCarriesProvenanceAndInterface()
    {
        var model = Model("prov");
        var files = new ModelEmitter().Generate(model, EmitOptions.Default);
        files.Select(f => f.FileName).Should().BeEquivalentTo(
            ["gn_model.h", "gn_prov.c", "gn_prov_weights.h", "gn_test_data.h", "gn_test_data.c", "CMakeLists.txt"]);
        string header = files.Single(f => f.FileName == "gn_model.h").Content;
        header.Should().Contain(ModelFile.Hash(model)).And.Contain(ModelEmitter.GeneratorVersion)
            .And.Contain("#define GN_MODEL_INPUT_BYTES 784").And.Contain("#define GN_MODEL_NUM_CLASSES 10")
            .And.Contain("#define GN_MODEL_INFER gn_prov_infer").And.Contain("int gn_prov_infer(const uint8_t *image, int32_t *logits);");
        files.Single(f => f.FileName == "gn_test_data.h").Content.Should().Contain("#define GN_TEST_IMAGE_COUNT 1");
        foreach (var f in files)
        {
            f.Content.Should().NotContain("\r").And.Contain(ModelFile.Hash(model), f.FileName);
        }
    }

    [Fact]
    public void RandomModelsValidateAndExtremeMultipliersApproachTheLimit()
    {
        var model = GeneratedCBitExactTests.Build("ext", 3, 2, 4, [16, 32, 64], [1, 2, 2], true);
        foreach (var layer in model.Layers.Skip(1))
        {
            ModelValidator.WorstCaseBound(model, layer).Should().BeGreaterThan(int.MaxValue / 2, layer.Name).And.BeLessOrEqualTo(int.MaxValue);
        }
    }

    [Fact]
    public void WrongTestImageSizeIsRejected()
    {
        var act = () => new ModelEmitter().Generate(Model(), new EmitOptions([new byte[5]]));
        act.Should().Throw<ArgumentException>().WithMessage("*test image 0 has 5 bytes*784*");
    }
}
