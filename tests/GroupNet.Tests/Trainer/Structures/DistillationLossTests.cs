using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static TorchSharp.torch;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class DistillationLossTests
{
    [Theory]
    [InlineData(1f)]
    [InlineData(2.5f)]
    public void The_loss_is_T_squared_times_the_mean_KL_divergence_and_its_gradient_is_T_times_the_probability_difference(float temperature)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var student = (randn(4, 10, generator: generator) * 3f).requires_grad_(true);
        var teacher = randn(4, 10, generator: generator) * 3f;
        double[,] s = Rows(student.detach()), t = Rows(teacher);

        var loss = ModelTrainer.DistillationLoss(student, teacher, temperature);
        loss.backward();

        double expected = 0;
        var gradient = new double[4, 10];
        for (int row = 0; row < 4; row++)
        {
            var p = Softmax(t, row, temperature);
            var q = Softmax(s, row, temperature);
            for (int j = 0; j < 10; j++)
            {
                expected += p[j] * Math.Log(p[j] / q[j]);
                gradient[row, j] = temperature * (q[j] - p[j]) / 4;
            }
        }
        expected *= temperature * temperature / 4;
        loss.item<float>().Should().BeApproximately((float)expected, 1e-5f * (float)Math.Max(1, expected));
        var actual = Rows(student.grad!);
        for (int row = 0; row < 4; row++)
        {
            for (int j = 0; j < 10; j++)
            {
                actual[row, j].Should().BeApproximately(gradient[row, j], 1e-6);
            }
        }
    }

    [Fact]
    public void The_loss_is_zero_when_the_student_agrees_with_the_teacher()
    {
        using var scope = NewDisposeScope();
        var logits = randn(3, 10, generator: new TorchSharp.torch.Generator(1));
        ModelTrainer.DistillationLoss(logits, logits.clone(), 2f).item<float>().Should().BeApproximately(0f, 1e-6f);
    }

    [Fact]
    public void Distillation_needs_a_teacher_and_a_weight_in_range()
    {
        using var model = ModelFactory.Create(TrainerTestData.Config(1, 2), new TrainingContext(3, 1));
        var act = () => new ModelTrainer(model, new TrainerOptions { DistillationWeight = 0.5f }, 16);
        act.Should().Throw<ArgumentException>().WithMessage("*teacher*");
        var bad = () => new ModelTrainer(model, new TrainerOptions { DistillationWeight = 1.5f }, 16, teacher: model);
        bad.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*distillation weight*");
    }

    [Fact]
    public void A_training_step_with_a_teacher_leaves_the_teacher_unchanged_and_in_eval_mode()
    {
        using var context = new TrainingContext(3, 1);
        using var student = ModelFactory.Create(TrainerTestData.Config(2, 2), context);
        using var teacher = ModelFactory.Create(TrainerTestData.Config(1, 32) with { Structure = StructureKind.Baseline, WeightBits = 32 }, context);
        var before = teacher.state_dict().ToDictionary(kv => kv.Key, kv => TrainerTestData.Floats(kv.Value));
        var data = TrainerTestData.Textures(32, 1);
        var trainer = new ModelTrainer(student, new TrainerOptions { BatchSize = 16, DistillationWeight = 0.5f, DistillationTemperature = 2f }, data.Count, teacher: teacher);
        using (var e = new GroupNet.Trainer.Data.DataLoader(data, 16, shuffle: false).Epoch(0).GetEnumerator())
        {
            using var scope = NewDisposeScope();
            e.MoveNext().Should().BeTrue();
            float.IsFinite(trainer.TrainStep(e.Current).Loss).Should().BeTrue();
        }
        teacher.training.Should().BeFalse();
        foreach (var (name, value) in teacher.state_dict())
        {
            TrainerTestData.Floats(value).Should().Equal(before[name], $"{name} belongs to the teacher, which distillation never updates");
        }
    }

    [Fact]
    public void An_epoch_uses_the_teachers_logits_computed_once_for_the_training_set()
    {
        using var context = new TrainingContext(3, 1);
        using var student = ModelFactory.Create(TrainerTestData.Config(2, 2), context);
        using var teacher = ModelFactory.Create(TrainerTestData.Config(1, 32) with { Structure = StructureKind.Baseline, WeightBits = 32 }, context);
        var data = TrainerTestData.Textures(40, 1);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, DistillationWeight = 1f, DistillationTemperature = 2f };
        var trainer = new ModelTrainer(student, options, data.Count, teacher: teacher);

        // With w = 1 the loss is the distillation term alone: the first step's loss, before any update, must equal the
        // one computed from the teacher's own forward pass on the same first batch.
        float expected;
        using (var scope = NewDisposeScope())
        using (var e = new GroupNet.Trainer.Data.DataLoader(data, 16, shuffle: true, seed: 0).Epoch(0).GetEnumerator())
        using (no_grad())
        {
            e.MoveNext().Should().BeTrue();
            student.train();
            expected = ModelTrainer.DistillationLoss(student.forward(e.Current.Images), teacher.forward(e.Current.Images), 2f).item<float>();
        }
        float? first = null;
        var progress = new FirstLoss(loss => first ??= loss);
        var result = trainer.TrainEpoch(data, progress);
        first.Should().NotBeNull();
        first!.Value.Should().BeApproximately(expected, 1e-4f * Math.Max(1f, expected));
        float.IsFinite((float)result.Loss).Should().BeTrue();
        trainer.TrainEpoch(data).Epoch.Should().Be(1);
    }

    private sealed class FirstLoss(Action<float> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report((float)value.Loss);
    }

    private static double[,] Rows(Tensor x)
    {
        var values = TrainerTestData.Floats(x);
        int cols = (int)x.shape[1];
        var rows = new double[values.Length / cols, cols];
        for (int i = 0; i < values.Length; i++)
        {
            rows[i / cols, i % cols] = values[i];
        }
        return rows;
    }

    private static double[] Softmax(double[,] logits, int row, double temperature)
    {
        int n = logits.GetLength(1);
        double max = Enumerable.Range(0, n).Max(j => logits[row, j]);
        var e = Enumerable.Range(0, n).Select(j => Math.Exp((logits[row, j] - max) / temperature)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
