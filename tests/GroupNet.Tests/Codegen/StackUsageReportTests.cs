using FluentAssertions;
using GroupNet.Firmware;

namespace GroupNet.Tests.Codegen;

/// <summary>Worst-case stack from GCC call-graph files (-fcallgraph-info=su), on hand-written graphs.</summary>
public sealed class StackUsageReportTests
{
    private const string Model = """
        graph: { title: "gn_m.c"
        node: { title: "gn_m.c:gn_layer0" label: "gn_layer0\ngn_m.c:10:13\n120 bytes (static)" }
        node: { title: "gn_m.c:gn_layer1" label: "gn_layer1\ngn_m.c:40:13\n48 bytes (static)" }
        node: { title: "gn_m_infer" label: "gn_m_infer\ngn_m.c:90:5\n16 bytes (static)" }
        edge: { sourcename: "gn_m_infer" targetname: "gn_m.c:gn_layer0" label: "gn_m.c:92:5" }
        edge: { sourcename: "gn_m_infer" targetname: "gn_m.c:gn_layer1" label: "gn_m.c:93:5" }
        node: { title: "gn_linear_s8_requant" label: "gn_linear_s8_requant\ngn_runtime.h:3:6" shape : ellipse }
        edge: { sourcename: "gn_m_infer" targetname: "gn_linear_s8_requant" label: "gn_m.c:94:5" }
        node: { title: "memset" label: "memset\nstring.h:33:9" shape : ellipse }
        edge: { sourcename: "gn_m.c:gn_layer1" targetname: "memset" label: "gn_m.c:45:5" }
        }
        """;

    private const string Runtime = """
        graph: { title: "gn_linear_s8_requant.c"
        node: { title: "gn_linear_s8_requant" label: "gn_linear_s8_requant\ngn_linear_s8_requant.c:5:6\n200 bytes (static)" }
        }
        """;

    [Fact]
    public void DeepestPathCrossesObjectFilesAndListsUncountedCallees()
    {
        var report = StackUsageReport.Measure([Model, Runtime], "gn_m_infer");

        report.WorstCaseBytes.Should().Be(16 + 200);
        report.Path.Select(f => (f.Function, f.FrameBytes)).Should().Equal(("gn_m_infer", 16L), ("gn_linear_s8_requant", 200L));
        report.Unresolved.Should().Equal("memset");
        report.Summary().Should().Be("worst case 216 bytes from gn_m_infer: gn_m_infer 16 > gn_linear_s8_requant 200 (counted as 0: memset)");
        report.Render().Should().Contain("gn_m.c:gn_layer0\t120");
    }

    [Fact]
    public void WithoutTheRuntimeObjectTheLayerPathIsDeepest()
    {
        var report = StackUsageReport.Measure([Model], "gn_m_infer");

        report.WorstCaseBytes.Should().Be(16 + 120);
        report.Path.Select(f => f.Function).Should().Equal("gn_m_infer", "gn_m.c:gn_layer0");
        report.Unresolved.Should().BeEquivalentTo("gn_linear_s8_requant", "memset");
    }

    [Fact]
    public void RecursionAndIndirectCallsAreReportedAsUnbounded()
    {
        const string graph = """
            node: { title: "f" label: "f\nf.c:1:1\n8 bytes (static)" }
            node: { title: "g" label: "g\nf.c:2:1\n8 bytes (dynamic,bounded)" }
            edge: { sourcename: "f" targetname: "g" label: "f.c:1:9" }
            edge: { sourcename: "g" targetname: "f" label: "f.c:2:9" }
            node: { title: "__indirect_call" label: "Indirect Call Placeholder" shape : ellipse }
            edge: { sourcename: "g" targetname: "__indirect_call" label: "f.c:2:19" }
            """;
        var report = StackUsageReport.Measure([graph], "f");

        report.WorstCaseBytes.Should().Be(16);
        report.Unresolved.Should().BeEquivalentTo("indirect call", "recursion through f");
        report.Dynamic.Should().Equal("g");
    }
}
