using FluentAssertions;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Models;
using ScottPlot;

namespace GroupNet.Tests.Cli.Charts;

/// <summary>The learning curves of a fixed 6-epoch series: epochs 1 to 6 on an axis that shows 1 to 6, train and test in
/// one panel, loss in the other, the final accuracy of the result marked.</summary>
public sealed class LearningCurveChartTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "groupnet-curves-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Six epochs as the trainer records them (epochs numbered from 1).</summary>
    public static IReadOnlyList<EpochMetrics> SixEpochs() =>
    [
        new(1, 1.02451, 0.61715, 0.38940, 0.95790, 99.3),
        new(2, 0.63996, 0.76135, 0.33300, 0.80940, 97.6),
        new(3, 0.54818, 0.79315, 0.79400, 0.98540, 98.1),
        new(4, 0.49188, 0.81715, 0.82740, 0.99020, 97.2),
        new(5, 0.43842, 0.83850, 0.84220, 0.99180, 98.0),
        new(6, 0.40969, 0.84860, 0.85180, 0.99330, 97.9),
    ];

    public static RunResult Result(double top1, double top1BeforeBn) =>
        new("run", new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 5), top1, 0.99, top1BeforeBn, new ModelCostReport(1, 1, 1, 1, 1), 6, 600, 200, 600);

    [Fact]
    public void Epochs_are_plotted_as_numbered_with_train_and_test_in_one_panel_and_loss_in_the_other()
    {
        var chart = LearningCurveChart.Draw("run", SixEpochs(), "run: tiny v1 K=5", Result(0.8561, 0.8518));

        chart.Name.Should().Be("run.curves");
        chart.Panels.Should().HaveCount(2);
        var (accuracy, loss) = (chart.Panels[0], chart.Panels[1]);
        var curves = accuracy.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToDictionary(s => s.LegendText);
        curves.Keys.Should().BeEquivalentTo([LearningCurveChart.TrainLegend, LearningCurveChart.TestLegend]);
        foreach (var curve in curves.Values)
        {
            curve.Data.GetScatterPoints().Select(p => p.X).Should().Equal(1, 2, 3, 4, 5, 6);
        }
        curves[LearningCurveChart.TestLegend].Data.GetScatterPoints()[0].Y.Should().BeApproximately(38.94, 1e-9);
        accuracy.Axes.GetLimits().Left.Should().Be(0.5);
        accuracy.Axes.GetLimits().Right.Should().Be(6.5);

        var final = accuracy.GetPlottables().OfType<ScottPlot.Plottables.Marker>().Single();
        (final.X, final.Y).Should().Be((6.0, 85.61));
        final.LegendText.Should().Be("final test top-1 after batch-norm re-estimation: 85.61%");

        loss.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single().Data.GetScatterPoints().Select(p => p.Y)
            .Should().Equal(SixEpochs().Select(m => m.Loss));

        string text = ChartFiles.WriteAndCheck(chart, folder);
        text.Should().Contain(LearningCurveChart.TrainLegend).And.Contain(LearningCurveChart.TestLegend)
            .And.Contain(LearningCurveChart.LossLegend).And.Contain("run: tiny v1 K=5").And.Contain("85.61%");
    }

    [Fact]
    public void A_run_still_training_has_no_final_mark_and_a_final_mark_without_re_estimation_says_so()
    {
        var training = LearningCurveChart.Draw("run", SixEpochs(), "run", result: null);
        training.Panels[0].GetPlottables().OfType<ScottPlot.Plottables.Marker>().Should().BeEmpty();

        LearningCurveChart.FinalLegend(Result(0.8518, 0.8518)).Should().Be("final test top-1: 85.18%");
    }

    [Fact]
    public void The_integer_program_accuracy_of_a_fidelity_file_is_marked_beside_the_float_result()
    {
        Directory.CreateDirectory(folder);
        string fidelity = Path.Combine(folder, "fidelity.json");
        File.WriteAllText(fidelity, """{"runs": [{"run": "run", "float_top1": 0.8518, "integer_top1": 0.8509}, {"run": "other", "integer_top1": 0.5}]}""");

        var integer = IntegerAccuracyFile.Read(fidelity);
        var chart = LearningCurveChart.Draw("run", SixEpochs(), "run", Result(0.8518, 0.8518), integer["run"]);

        integer.Should().HaveCount(2);
        var marks = chart.Panels[0].GetPlottables().OfType<ScottPlot.Plottables.Marker>().ToArray();
        marks.Select(m => m.LegendText).Should().Equal("final test top-1: 85.18%", "integer program test top-1: 85.09%");
        marks.Should().OnlyContain(m => m.X == 6);
        ChartFiles.WriteAndCheck(chart, folder).Should().Contain("integer program test top-1: 85.09%");
        File.WriteAllText(fidelity, "{}");
        FluentActions.Invoking(() => IntegerAccuracyFile.Read(fidelity)).Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void The_metrics_csv_reads_back_what_the_trainer_wrote()
    {
        string checkpoint = Path.Combine(folder, "run.ckpt");

        MetricsFiles.WriteMetrics(checkpoint, SixEpochs(), "run");

        MetricsFiles.ReadMetricsCsv(MetricsFiles.Companion(checkpoint, ".metrics.csv")).Should().Equal(SixEpochs());
        File.Exists(MetricsFiles.Companion(checkpoint, ".curves.svg")).Should().BeTrue();
        File.Exists(MetricsFiles.Companion(checkpoint, ".curves.png")).Should().BeTrue();
        File.WriteAllText(Path.Combine(folder, "bad.metrics.csv"), "epoch,loss\n1,2\n");
        FluentActions.Invoking(() => MetricsFiles.ReadMetricsCsv(Path.Combine(folder, "bad.metrics.csv"))).Should().Throw<InvalidDataException>();
    }
}
