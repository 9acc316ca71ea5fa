using System.Diagnostics;
using FluentAssertions;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Tests.Codegen;

namespace GroupNet.Tests.Cli;

/// <summary>
/// `scripts/install-tool.sh` packs `groupnet` as a .NET tool and installs it (here into a temporary tool path, not
/// the global one); the installed command prints its version, inspects a model, and trains a few batches, which
/// loads TorchSharp's native library from inside the tool (with the compatibility copy where set-up prepared one).
/// Run twice, the script replaces the installed tool. Slow (two packs of the CLI in Release, ~3 minutes).
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-tool-" + Guid.NewGuid().ToString("N"));

    public ToolInstallTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int ExitCode, string Output) Run(string file, string workingFolder, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingFolder,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // The installed tool must not lean on a clone through the environment.
        psi.Environment.Remove("GROUPNET_HOME");
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(TimeSpan.FromMinutes(8)).Should().BeTrue($"{file} {string.Join(' ', args)} finishes within the time-out");
        return (p.ExitCode, output + error.GetAwaiter().GetResult());
    }

    [Fact]
    public void The_installed_tool_prints_its_version_inspects_a_model_and_trains()
    {
        string repo = CCompiler.RepoRoot();
        string tools = Path.Combine(_dir, "tools"), packages = Path.Combine(_dir, "packages");
        string script = Path.Combine(repo, "scripts", "install-tool.sh");
        string[] args = ["--no-setup", "--tool-path", tools, "--packages", packages];

        var install = Run(script, repo, args);
        install.ExitCode.Should().Be(0, install.Output);
        string groupnet = Path.Combine(tools, "groupnet");
        File.Exists(groupnet).Should().BeTrue(install.Output);

        var version = Run(groupnet, _dir, "--version");
        version.ExitCode.Should().Be(0, version.Output);
        version.Output.Should().MatchRegex(@"^0\.1\.0-dev\.\d{14}", "the script versions each pack");

        string model = Path.Combine(_dir, "random.gndm");
        ModelFile.Save(new RandomModelBuilder { Seed = 4, Branches = 2 }.Build(), model);
        var inspect = Run(groupnet, _dir, "inspect", model, "--json");
        inspect.ExitCode.Should().Be(0, inspect.Output);
        inspect.Output.Should().Contain("\"name\":\"g0_sum\"");

        string data = Reliability.SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), trainCount: 64, testCount: 16, seed: 2);
        var train = Run(groupnet, _dir, "train", "--data", data, "--bases", "1", "--epochs", "1", "--batch", "32", "--threads", "1",
            "--bn-batches", "1", "--out", Path.Combine(_dir, "t.ckpt"));
        train.ExitCode.Should().Be(0, "TorchSharp loads inside the installed tool: " + train.Output);
        train.Output.Should().Contain("[t] epoch 1/1: ");

        // Outside a clone, a verb that needs the firmware sources says how to point at one.
        var generate = Run(groupnet, _dir, "generate", model, "--out", Path.Combine(_dir, "fw"));
        generate.ExitCode.Should().Be(2, generate.Output);
        generate.Output.Should().StartWith("groupnet: error: ").And.Contain("GROUPNET_HOME");

        var again = Run(script, repo, args);
        again.ExitCode.Should().Be(0, "the script is safe to run twice: " + again.Output);
        Run(groupnet, _dir, "--version").Output.Should().NotBe(version.Output, "the second run replaced the installed tool");
    }
}
