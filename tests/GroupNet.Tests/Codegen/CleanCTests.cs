using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Codegen;

/// <summary>
/// Generated code (seeded random binary and int8 models, fast and reference kernels) and the c-runtime are
/// clean C99: no warning with <c>-std=c99 -Wall -Wextra -Werror -pedantic</c> under host gcc, host
/// clang and arm-none-eabi-gcc for Cortex-M0, M4 and M55; no cppcheck finding; no clang-tidy
/// finding for the documented check sets below.
/// </summary>
public sealed class CleanCTests : IClassFixture<CleanCTests.GeneratedModels>
{
    /// <summary>
    /// cppcheck: every class of finding except information and unusedFunction (a library's API is
    /// used by its caller, not by itself), over every preprocessor configuration (--force: the
    /// runtime has core-specific #if branches). Suppressed: missingIncludeSystem (cppcheck is not
    /// given the compiler's system headers; the compilers above check those includes).
    /// </summary>
    public static readonly string[] CppcheckArguments =
    [
        "--enable=warning,style,performance,portability", "--std=c99", "--language=c", "--error-exitcode=1",
        "--inline-suppr", "--suppress=missingIncludeSystem", "--quiet", "--force",
    ];

    /// <summary>
    /// clang-tidy: the bug-finding families (bugprone, clang-analyzer, cert) and a few readability
    /// and performance checks that fit generated code. Left out, with the reason:
    /// bugprone-easily-swappable-parameters (kernels take several same-typed buffers and sizes by
    /// design); bugprone-implicit-widening-of-multiplication-result (pointer offsets are int32_t
    /// products bounded by tensor sizes the generator knows, far below 2^31, and on the Cortex-M
    /// targets ptrdiff_t is 32 bits, so there is nothing to widen; it fires only on the 64-bit host);
    /// clang-analyzer-core.UndefinedBinaryOperatorResult (it reports the per-pixel accumulator
    /// z[c] as uninitialised in the threshold epilogue because it cannot follow the term loops
    /// that write every channel of z before the epilogue reads it).
    /// </summary>
    public const string ClangTidyChecks =
        "-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-implicit-widening-of-multiplication-result,cert-*,"
        + "clang-analyzer-*,-clang-analyzer-core.UndefinedBinaryOperatorResult,performance-*,readability-braces-around-statements,readability-else-after-return,"
        + "readability-redundant-declaration,readability-non-const-parameter,readability-misleading-indentation,"
        + "readability-duplicate-include,readability-implicit-bool-conversion,misc-redundant-expression,misc-definitions-in-headers";

    private readonly GeneratedModels _models;

    public CleanCTests(GeneratedModels models) => _models = models;

    public static TheoryData<string, string> Compilers() => new()
    {
        { "gcc", "" },
        { "clang", "" },
        { "arm-none-eabi-gcc", "-mcpu=cortex-m0 -mthumb" },
        { "arm-none-eabi-gcc", "-mcpu=cortex-m4 -mthumb" },
        { "arm-none-eabi-gcc", "-mcpu=cortex-m55 -mthumb" },
    };

    [Theory]
    [MemberData(nameof(Compilers))]
    public void GeneratedCodeAndRuntimeCompileWithoutAnyWarning(string compiler, string cpuFlags)
    {
        foreach (var dir in _models.Dirs)
        {
            foreach (var source in _models.Sources(dir))
            {
                var args = cpuFlags.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Concat(CCompiler.StrictFlags).Concat(["-O2", "-I", dir, "-I", GeneratedModels.RuntimeInclude, "-c", source, "-o", Path.Combine(dir, Path.GetFileName(source) + "." + compiler + ".o")]);
                CCompiler.MustSucceed(compiler, args, dir);
            }
        }
    }

    [Fact]
    public void CppcheckFindsNothingInGeneratedCodeAndRuntime()
    {
        foreach (var dir in _models.Dirs)
        {
            var args = CppcheckArguments.Concat(["-I", dir, "-I", GeneratedModels.RuntimeInclude]).Concat(_models.Sources(dir));
            var (code, stdout, stderr) = CCompiler.Run("cppcheck", args, dir);
            (stdout + stderr).Trim().Should().BeEmpty($"cppcheck must report nothing for {Path.GetFileName(dir)}");
            code.Should().Be(0);
        }
    }

    /// <summary>Both layer variants: the per-channel kernels (the host default) and the vertical kernel's layers
    /// (GN_HAVE_VCOUNT=1, the Thumb-2 cores' code with its C block).</summary>
    [Theory]
    [InlineData("")]
    [InlineData("-DGN_HAVE_VCOUNT=1")]
    public void ClangTidyFindsNothingInGeneratedCodeAndRuntime(string define)
    {
        foreach (var dir in _models.Dirs)
        {
            var args = new[] { "--quiet", "-checks=" + ClangTidyChecks, "-warnings-as-errors=*", "-header-filter=.*" }
                .Concat(_models.Sources(dir))
                .Concat(["--", "-std=c99", "-I", dir, "-I", GeneratedModels.RuntimeInclude])
                .Concat(define.Length > 0 ? [define] : Array.Empty<string>());
            var (code, stdout, stderr) = CCompiler.Run("clang-tidy", args, dir);
            var findings = stdout.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal) || l.Contains("error:", StringComparison.Ordinal)).ToList();
            findings.Should().BeEmpty($"clang-tidy must report nothing for {Path.GetFileName(dir)}:\n{stdout}\n{stderr}");
            code.Should().Be(0, stdout + stderr);
        }
    }

    /// <summary>Generated once per class: seeded models with the fast kernels (2- and 4-bit levels, +/-1 signs, int8),
    /// one with the reference kernels.</summary>
    public sealed class GeneratedModels : IDisposable
    {
        public static string RuntimeInclude => Path.Combine(CCompiler.RuntimeDir, "include");

        private readonly string _root = CCompiler.TempDir("clean-c");

        public GeneratedModels()
        {
            var models = new (DeploymentModel Model, KernelChoice Kernels)[]
            {
                (Build("clean_k1_b2", 101, 1, 2, [16, 32, 64], [1, 2, 2], false), KernelChoice.Fast),
                (Build("clean_k3_b4", 202, 3, 4, [5, 33, 65], [1, 2, 2], true), KernelChoice.Fast),
                (Build("clean_k2_b2", 303, 2, 2, [1, 63, 64, 65], [1, 2, 1, 2], false), KernelChoice.Fast),
                (Build("clean_ref_k2_b2", 404, 2, 2, [16, 32], [2, 2], false), KernelChoice.Reference),
                (Build("clean_k2_signs", 505, 2, 1, [31, 32, 64], [1, 2, 2], true), KernelChoice.Fast),
                (new RandomInt8ModelBuilder { Name = "clean_int8", Seed = 606, Channels = [5, 33] }.Build(), KernelChoice.Fast),
            };
            Dirs = models.Select(m =>
            {
                string dir = Path.Combine(_root, m.Model.Name);
                new ModelEmitter().Emit(m.Model, dir, new EmitOptions(GeneratedCBitExactTests.Images(7, m.Model.InputBytes).Take(2).ToList()) { Kernels = m.Kernels });
                return dir;
            }).ToArray();
        }

        public IReadOnlyList<string> Dirs { get; }

        /// <summary>The model's .c files and the runtime's.</summary>
        public IEnumerable<string> Sources(string dir) =>
            Directory.GetFiles(dir, "*.c").Order(StringComparer.Ordinal)
                .Concat(Directory.GetFiles(Path.Combine(CCompiler.RuntimeDir, "src"), "*.c").Order(StringComparer.Ordinal));

        private static DeploymentModel Build(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme) =>
            GeneratedCBitExactTests.Build(name, seed, k, bits, channels, strides, extreme);

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
