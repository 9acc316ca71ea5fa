using System.Diagnostics;
using FluentAssertions;
using GroupNet.Tests.Codegen;

namespace GroupNet.Tests.Documentation;

public sealed class DocumentationLinksTests
{
    /// <summary>The README is the front door and the figures live in docs/: a moved page or heading must not leave a
    /// dead link behind (scripts/check-doc-links.py checks files and #anchors).</summary>
    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_resolves()
    {
        string root = CCompiler.RepoRoot();
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "check-doc-links.py"));
        start.ArgumentList.Add(root);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, output);
        output.Should().MatchRegex(@"[1-9][0-9]* relative links in [0-9]+ files, 0 broken");
    }
}
