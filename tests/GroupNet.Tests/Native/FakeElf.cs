using System.Text;
using GroupNet.Tests.Codegen;
using GroupNet.Tools.TorchSharpCompat;

namespace GroupNet.Tests.Native;

/// <summary>
/// Real ELF files for the compatibility tests: TorchSharp's bridge as the build ships it, and small shared
/// objects built with gcc whose symbol versions come from a linker version script, so both branches of the
/// tool run on any distribution.
/// </summary>
internal static class FakeElf
{
    /// <summary>The bridge the build copied beside the tests, i.e. the one TorchSharp would load.</summary>
    public static string ShippedBridge =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibStdCxxCompat.BridgeFile);

    /// <summary>Builds <c><paramref name="dir"/>/libstdc++.so.6</c> (soname libstdc++.so.6) defining
    /// <paramref name="versions"/>, each a node of the version script; <paramref name="symbols"/> puts
    /// <c>int NAME(void)</c> functions into chosen nodes.</summary>
    public static string LibStdCxx(string dir, IEnumerable<string> versions, IReadOnlyDictionary<string, string[]>? symbols = null)
    {
        Directory.CreateDirectory(dir);
        symbols ??= new Dictionary<string, string[]>();
        var source = new StringBuilder("int gn_fake_anchor(void) { return 0; }\n");
        var script = new StringBuilder();
        var first = true;
        foreach (var version in versions)
        {
            var names = symbols.TryGetValue(version, out var list) ? list : [];
            foreach (var name in names)
            {
                source.Append($"int {name}(void) {{ return 1; }}\n");
            }
            // The first node also holds the anchor and hides everything else; ld rejects an empty "global:" list.
            var globals = (first ? names.Append("gn_fake_anchor") : names).ToList();
            var body = globals.Count == 0 ? "" : $"global: {string.Concat(globals.Select(n => n + "; "))}";
            script.Append($"{version} {{ {body}{(first ? "local: *; " : "")}}};\n");
            first = false;
        }
        return Link(dir, "libstdc++.so.6", source.ToString(), script.ToString(), ["-Wl,-soname,libstdc++.so.6"]);
    }

    /// <summary>Builds a bridge-like shared object from <paramref name="source"/>, linked against
    /// <paramref name="libStdCxx"/> so its needs name libstdc++.so.6.</summary>
    public static string Bridge(string dir, string name, string source, string libStdCxx)
    {
        Directory.CreateDirectory(dir);
        var c = Path.Combine(dir, name + ".c");
        File.WriteAllText(c, source);
        var output = Path.Combine(dir, name);
        CCompiler.MustSucceed("gcc", ["-shared", "-fPIC", "-o", output, c, libStdCxx], dir);
        return output;
    }

    /// <summary>A program that dlopens its argument with RTLD_NOW and prints "loaded" or dlerror().</summary>
    public static string DlopenProbe(string dir)
    {
        Directory.CreateDirectory(dir);
        var c = Path.Combine(dir, "probe.c");
        File.WriteAllText(c, """
            #include <dlfcn.h>
            #include <stdio.h>
            int main(int argc, char **argv)
            {
                void *handle = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
                puts(handle != NULL ? "loaded" : dlerror());
                return handle == NULL;
            }
            """);
        var output = Path.Combine(dir, "probe");
        CCompiler.MustSucceed("gcc", ["-o", output, c, "-ldl"], dir);
        return output;
    }

    private static string Link(string dir, string name, string source, string versionScript, IEnumerable<string> flags)
    {
        var c = Path.Combine(dir, name + ".c");
        var map = Path.Combine(dir, name + ".map");
        File.WriteAllText(c, source);
        File.WriteAllText(map, versionScript);
        var output = Path.Combine(dir, name);
        CCompiler.MustSucceed("gcc", ["-shared", "-fPIC", "-o", output, c, $"-Wl,--version-script={map}", .. flags], dir);
        return output;
    }
}
