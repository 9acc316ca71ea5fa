using FluentAssertions;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;
using GroupNet.Tests.Codegen;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// The host build of the generated code, c-runtime and the streaming harness runs 1,000 images clean
/// under AddressSanitizer + UndefinedBehaviorSanitizer (errors abort: nonzero exit) and under valgrind
/// memcheck (--error-exitcode), and its logits equal the managed reference.
/// </summary>
public sealed class SanitizerTests
{
    private const int Images = 1000;

    private static IReadOnlyList<byte[]> ThousandImages(DeploymentModel model)
    {
        var images = ExtremeInputs.For(model, seed: 11, stemChannels: 8).Select(i => i.Pixels).ToList();
        var rng = new Random(12);
        while (images.Count < Images)
        {
            var image = new byte[model.InputBytes];
            rng.NextBytes(image);
            // Every other image sparse, like a digit: mostly 0 with bright strokes.
            if (images.Count % 2 == 0)
            {
                for (int i = 0; i < image.Length; i++)
                {
                    image[i] = image[i] < 200 ? (byte)0 : image[i];
                }
            }
            images.Add(image);
        }
        return images;
    }

    private static void MustEqualReference(DeploymentModel model, IReadOnlyList<byte[]> images, FirmwareOutput output, string what)
    {
        var expected = new ReferenceExecutor(model).InferMany(images);
        output.Logits.Should().HaveCount(images.Count, what);
        for (int i = 0; i < images.Count; i++)
        {
            output.Logits[i].Should().Equal(expected[i], $"{what}: image {i}");
        }
    }

    [Fact]
    public void Address_and_undefined_behaviour_sanitizers_report_nothing_over_1000_images()
    {
        var model = new RandomModelBuilder { Name = "asan", Seed = 80, Branches = 2, ActivationBits = 2, Channels = [16, 32, 64], Strides = [2, 2, 2], ExtremeMultipliers = true }.Build();
        var images = ThousandImages(model);
        string work = CCompiler.TempDir("asan");
        var exe = HostStreamRunner.Build(model, work, "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g");
        var file = HostStreamRunner.WriteImages(work, images);

        // A sanitizer report aborts the runner: nonzero exit, EmulatorRunException carrying the report.
        var output = new HostRunner { Timeout = TimeSpan.FromMinutes(3) }.Run(exe, [file]);

        MustEqualReference(model, images, output, "ASan+UBSan build");
    }

    [Fact]
    public void Valgrind_memcheck_reports_nothing_over_1000_images()
    {
        var valgrind = new[] { "/usr/bin/valgrind", "/usr/local/bin/valgrind" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("valgrind is not installed (scripts/setup.sh installs it)");
        // A network that downsamples early keeps 1,000 images under valgrind to seconds; 4-bit, K=3 for variety.
        var model = new RandomModelBuilder { Name = "memcheck", Seed = 81, Branches = 3, ActivationBits = 4, Channels = [8, 16, 33], Strides = [2, 2, 2], ExtremeMultipliers = true }.Build();
        var images = ThousandImages(model);
        string work = CCompiler.TempDir("valgrind");
        var exe = HostStreamRunner.Build(model, work, "-g");
        var file = HostStreamRunner.WriteImages(work, images);

        var output = new HostRunner { Timeout = TimeSpan.FromMinutes(5) }.Run(valgrind,
            ["-q", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=all", "--track-origins=yes", exe, file]);

        MustEqualReference(model, images, output, "valgrind run");
    }
}
