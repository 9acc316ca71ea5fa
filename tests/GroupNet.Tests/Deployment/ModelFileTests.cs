using FluentAssertions;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Deployment;

public class ModelFileTests
{
    private static DeploymentModel Model(int seed = 1) => new RandomModelBuilder { Seed = seed, Branches = 2, Channels = [8, 16, 33] }.Build();

    [Fact]
    public void Round_trip_preserves_the_model_exactly()
    {
        var model = Model();
        var bytes = ModelFile.Serialize(model);
        ModelFile.Deserialize(bytes).Should().Be(model);
        ModelFile.Serialize(ModelFile.Deserialize(bytes)).Should().Equal(bytes, "serialization is deterministic");
    }

    [Fact]
    public void Sign_activation_models_round_trip_and_a_signs_tensor_must_have_one_bit()
    {
        var model = new RandomModelBuilder { Seed = 5, Branches = 2, ActivationBits = 1, Channels = [8, 33] }.Build();
        model.Tensors.Should().Contain(t => t.Kind == TensorKind.Signs);
        ModelFile.Deserialize(ModelFile.Serialize(model)).Should().Be(model);

        var twoBits = model with { Tensors = new EquatableArray<TensorSpec>(model.Tensors.Select(t => t.Kind == TensorKind.Signs ? t with { Bits = 2 } : t)) };
        FluentActions.Invoking(() => ModelValidator.Validate(twoBits)).Should().Throw<ModelValidationException>()
            .WithMessage("tensors[1].bits: a signs tensor has 1 bit*");
    }

    [Fact]
    public void Save_is_atomic_and_load_reads_it_back()
    {
        var model = Model(2);
        string dir = Path.Combine(Path.GetTempPath(), "gn-modelfile-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "m.gndm");
            ModelFile.Save(model, path);
            ModelFile.Load(path).Should().Be(model);
            Directory.GetFiles(dir).Should().ContainSingle("no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Corrupted_payload_is_rejected_by_the_checksum()
    {
        var bytes = ModelFile.Serialize(Model());
        bytes[100] ^= 0x20;
        var act = () => ModelFile.Deserialize(bytes, "m.gndm");
        act.Should().Throw<ModelFormatException>().WithMessage("m.gndm: checksum*");
    }

    [Fact]
    public void Truncated_file_names_the_length_field()
    {
        var bytes = ModelFile.Serialize(Model());
        var act = () => ModelFile.Deserialize(bytes.AsSpan(0, bytes.Length - 1).ToArray(), "m.gndm");
        act.Should().Throw<ModelFormatException>().WithMessage("*payload_length*truncated*");
    }

    [Fact]
    public void Wrong_magic_and_future_version_are_rejected()
    {
        var bytes = ModelFile.Serialize(Model());
        var badMagic = bytes.ToArray();
        badMagic[0] = (byte)'X';
        FluentActions.Invoking(() => ModelFile.Deserialize(badMagic)).Should().Throw<ModelFormatException>().WithMessage("*magic*");
        var future = bytes.ToArray();
        future[4] = 9;
        FluentActions.Invoking(() => ModelFile.Deserialize(future)).Should().Throw<ModelFormatException>().WithMessage("*version 9 is not supported*");
    }

    [Fact]
    public void A_field_breaking_the_integer_program_is_named()
    {
        var model = Model();
        var layer = model.Layers[1];
        var term = (BinaryConvTerm)layer.Terms[0];
        var broken = model with
        {
            Layers = new EquatableArray<AccumulateLayer>(model.Layers.Select((l, i) => i != 1 ? l : l with
            {
                Terms = new EquatableArray<Term>([term with { Weights = new EquatableArray<uint>(term.Weights.Skip(1)) }]),
            })),
        };
        FluentActions.Invoking(() => ModelValidator.Validate(broken)).Should().Throw<ModelValidationException>()
            .WithMessage("layers[1].terms[0].weights: expected*");
    }

    [Fact]
    public void Multipliers_that_could_overflow_int32_are_refused()
    {
        var model = new RandomModelBuilder { Seed = 3, ExtremeMultipliers = true }.Build();
        var layer = model.Layers[^1];
        var term = layer.Terms[0];
        var doubled = term with { Multipliers = new EquatableArray<int>(term.Multipliers.Select(m => m * 2)) };
        var broken = model with
        {
            Layers = new EquatableArray<AccumulateLayer>(model.Layers.Select((l, i) => i != model.Layers.Length - 1 ? l : l with
            {
                Terms = new EquatableArray<Term>(l.Terms.Select((t, j) => j == 0 ? doubled : t)),
            })),
        };
        FluentActions.Invoking(() => ModelValidator.Validate(broken)).Should().Throw<ModelValidationException>()
            .WithMessage("*worst-case |z|*above the int32 limit*");
    }

    [Fact]
    public void Thousands_of_mutated_and_truncated_files_give_clear_errors_and_never_crash()
    {
        var model = new RandomModelBuilder { Seed = 4, Branches = 1, Channels = [4, 8, 8], ImageSize = 8 }.Build();
        var valid = ModelFile.Serialize(model);
        var rng = new Random(5);
        int rejected = 0;
        for (int i = 0; i < 10_000; i++)
        {
            byte[] bytes;
            switch (i % 4)
            {
                case 0:
                    bytes = valid.AsSpan(0, rng.Next(valid.Length)).ToArray();
                    break;
                case 1:
                    bytes = valid.ToArray();
                    for (int k = rng.Next(1, 4); k > 0; k--)
                    {
                        bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    }
                    break;
                default:
                    // Mutate the JSON and re-seal it, so the checksum passes and the field checks are exercised.
                    var payload = valid.AsSpan(12, valid.Length - 44).ToArray();
                    for (int k = rng.Next(1, 3); k > 0; k--)
                    {
                        int at = rng.Next(payload.Length);
                        payload[at] = (byte)"0123456789-,[]{}\":aez"[rng.Next(21)];
                    }
                    bytes = Reseal(valid, payload);
                    break;
            }
            try
            {
                ModelFile.Deserialize(bytes, "fuzz.gndm");
            }
            catch (ModelFormatException e)
            {
                e.Message.Should().StartWith("fuzz.gndm: ");
                e.Message.Length.Should().BeGreaterThan("fuzz.gndm: ".Length + 5);
                rejected++;
            }
        }
        rejected.Should().BeGreaterThan(9_000, "almost every mutation breaks something");
    }

    private static byte[] Reseal(byte[] valid, byte[] payload)
    {
        var bytes = new byte[12 + payload.Length + 32];
        valid.AsSpan(0, 12).CopyTo(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)payload.Length);
        payload.CopyTo(bytes, 12);
        System.Security.Cryptography.SHA256.HashData(payload, bytes.AsSpan(12 + payload.Length));
        return bytes;
    }
}
