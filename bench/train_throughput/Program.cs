using System.Diagnostics;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;

// Scratch benchmark and self-check for the training engine.
//   speed [threads]            images/s of forward+backward+step at batch 128 (FP, K=1,2,3 W1A2)
//   gradcheck                  finite-difference checks of the ops
//   mnist K bits epochs [n]    train on MNIST and report accuracy
string mode = args.Length > 0 ? args[0] : "speed";
switch (mode)
{
    case "speed":
        Speed(args.Length > 1 ? int.Parse(args[1]) : 0);
        break;
    case "gradcheck":
        GradCheck();
        break;
    case "mnist":
        Mnist(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 60000);
        break;
    case "parent":
        Parent(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), float.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "determinism":
        Determinism();
        break;
}

static void Speed(int threads)
{
    foreach (var (k, bits) in new[] { (1, 32), (1, 2), (2, 2), (3, 2) })
    {
        var ctx = new TrainingContext(seed: 1, threads: threads);
        var model = new GroupNetV1(ctx, new GroupNetV1Config(k, bits));
        var trainer = new Trainer(model, new TrainerOptions(), 60000);
        var rnd = new Random(3);
        var pixels = new byte[128 * 784];
        rnd.NextBytes(pixels);
        var labels = new byte[128];
        for (int i = 0; i < 128; i++) labels[i] = (byte)rnd.Next(10);
        var data = new ImageDataset(pixels, labels, 1, 28, 28);
        var loader = new DataLoader(data, 128, false);
        double best = double.MaxValue;
        for (int it = 0; it < 12; it++)
        {
            using var scope = ctx.BeginScope();
            var batch = loader.Epoch(ctx, 0).First();
            var sw = Stopwatch.StartNew();
            trainer.TrainStep(batch);
            if (it >= 2) best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        // forward-only timing
        double fwd = double.MaxValue;
        model.Eval();
        for (int it = 0; it < 6; it++)
        {
            using var nog = ctx.NoGrad();
            using var scope = ctx.BeginScope();
            var batch = loader.Epoch(ctx, 0).First();
            var sw = Stopwatch.StartNew();
            model.Forward(batch.Images);
            if (it >= 1) fwd = Math.Min(fwd, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"K={k} A{bits}{(bits == 32 ? " (full precision)" : " W1")}: train {128 / best:F0} img/s ({best * 1000:F1} ms/batch), eval forward {128 / fwd:F0} img/s, threads={ctx.Threads}");
    }
}

static void GradCheck()
{
    var ctx = new TrainingContext(seed: 2, threads: 2);
    var r = new Random(5);
    Tensor Rand(bool grad, float lo, float hi, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Count; i++) t.Data[i] = (float)(lo + (hi - lo) * r.NextDouble());
        t.RequiresGrad = grad;
        return t;
    }
    void Report(string name, double e) => Console.WriteLine($"{name,-40} max rel err {e:E2} {(e < 2e-2 ? "OK" : "FAIL")}");

    foreach (var (cin, cout, k, s, p, h) in new[] { (3, 8, 3, 1, 1, 7), (4, 8, 3, 2, 1, 9), (5, 6, 1, 2, 0, 8), (2, 20, 3, 1, 0, 6), (1, 16, 3, 1, 1, 28) })
    {
        var x = Rand(true, -1, 1, 3, cin, h, h);
        var w = Rand(true, -1, 1, cout, cin, k, k);
        Report($"conv2d {cin}->{cout} k{k} s{s} p{p} {h}x{h}", GradientCheck.MaxError(ctx, () => Functional.Conv2d(ctx, x, w, s, p), [x, w], 1e-2));
    }
    {
        var x = Rand(true, -1, 2, 4, 3, 5, 5);
        var g = Rand(true, 0.5f, 1.5f, 3);
        var b = Rand(true, -0.5f, 0.5f, 3);
        Report("batchnorm2d train", GradientCheck.MaxError(ctx, () => Functional.BatchNorm2d(ctx, x, g, b, new float[3], [1, 1, 1], true, 1e-5f), [x, g, b], 1e-2));
        Report("batchnorm2d eval", GradientCheck.MaxError(ctx, () => Functional.BatchNorm2d(ctx, x, g, b, [0.1f, 0.2f, 0.3f], [1, 2, 0.5f], false, 1e-5f), [x, g, b], 1e-2));
    }
    {
        var x = Rand(true, -1, 1, 5, 7);
        var w = Rand(true, -1, 1, 4, 7);
        var b = Rand(true, -1, 1, 4);
        Report("linear", GradientCheck.MaxError(ctx, () => Functional.Linear(ctx, x, w, b), [x, w, b], 1e-2));
        int[] labels = [0, 3, 1, 2, 3];
        var logits = Rand(true, -2, 2, 5, 4);
        Report("cross entropy", GradientCheck.MaxError(ctx, () => Functional.CrossEntropy(ctx, logits, labels), [logits], 1e-2));
    }
    {
        var s = Rand(true, 0, 1, 2);
        var a = Rand(true, -1, 1, 2, 3, 4, 4);
        var b = Rand(true, -1, 1, 2, 3, 4, 4);
        Report("weighted sum", GradientCheck.MaxError(ctx, () => Functional.WeightedSum(ctx, s, [a, b]), [s, a, b], 1e-2));
        Report("add", GradientCheck.MaxError(ctx, () => Functional.Add(ctx, a, b), [a, b], 1e-2));
        Report("global avg pool", GradientCheck.MaxError(ctx, () => Functional.GlobalAvgPool2d(ctx, a), [a], 1e-2));
        Report("relu", GradientCheck.MaxError(ctx, () => Functional.Relu(ctx, a), [a], 1e-3));
    }
    {
        // full model (full precision) end to end through the loss
        var model = new GroupNetV1(ctx, new GroupNetV1Config(2, 32));
        var x = Rand(false, 0, 1, 4, 1, 28, 28);
        int[] labels = [1, 2, 3, 4];
        var ps = model.Parameters().ToList();
        Report("GroupNetV1 FP K=2 loss (params)", GradientCheck.MaxError(ctx, () => Functional.CrossEntropy(ctx, model.Forward(x), labels), ps.Cast<Tensor>().ToList(), 1e-2, samples: 10));
    }
    // Reference GEMM sweep
    unsafe
    {
        double worst = 0;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (4, 64, 9), (5, 17, 33), (16, 784, 144), (7, 130, 3), (64, 576, 31) })
        {
            var a = Rand(false, -1, 1, m, k).Data; var b = Rand(false, -1, 1, k, n).Data;
            var c1 = new float[m * n]; var c2 = new float[m * n];
            fixed (float* pa = a, pb = b, pc = c1) Gemm.MatMul(m, n, k, pa, k, 1, pb, n, pc, n, false);
            Gemm.ReferenceMatMul(m, n, k, a, b, c2, false);
            for (int i = 0; i < c1.Length; i++) worst = Math.Max(worst, Math.Abs(c1[i] - c2[i]));
            var bt = Rand(false, -1, 1, n, k).Data;
            var d1 = new float[m * n]; var d2 = new float[m * n];
            fixed (float* pa = a, pb = bt, pc = d1) Gemm.MatMulTransB(m, n, k, pa, k, pb, k, pc, n);
            Gemm.ReferenceMatMulTransB(m, n, k, a, bt, d2);
            for (int i = 0; i < d1.Length; i++) worst = Math.Max(worst, Math.Abs(d1[i] - d2[i]));
        }
        Console.WriteLine($"{"gemm vs reference",-40} max abs err {worst:E2} {(worst < 1e-3 ? "OK" : "FAIL")}");
    }
}

static void Determinism()
{
    float[] Run()
    {
        var ctx = new TrainingContext(seed: 7, threads: 2);
        var model = new GroupNetV1(ctx, new GroupNetV1Config(2, 2));
        var data = MnistIdx.LoadSplit("/work/main/.cache/mnist/package/data", true).Take(128 * 4);
        var trainer = new Trainer(model, new TrainerOptions { Epochs = 1 }, data.Count);
        trainer.TrainEpoch(data);
        return model.Parameters().SelectMany(p => p.Data).Concat(model.NamedBuffers().SelectMany(b => b.Value.Data)).ToArray();
    }
    var a = Run();
    var b = Run();
    Console.WriteLine($"determinism: {(a.AsSpan().SequenceEqual(b) ? "bit-identical" : "DIFFERENT")} ({a.Length} values)");
}

static void Mnist(int k, int bits, int epochs, int limit)
{
    var dir = "/work/main/.cache/mnist/package/data";
    var train = MnistIdx.LoadSplit(dir, true).Take(limit);
    var test = MnistIdx.LoadSplit(dir, false);
    var ctx = new TrainingContext(seed: 1);
    var model = new GroupNetV1(ctx, new GroupNetV1Config(k, bits));
    var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs }, train.Count);
    var total = Stopwatch.StartNew();
    var progress = new Progress(p =>
    {
        if (p.Batch % 50 == 0 || p.Batch == p.Batches)
            Console.WriteLine($"  epoch {p.Epoch + 1}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F4} acc {p.Accuracy:P2} {p.ImagesPerSecond:F0} img/s lr {p.LearningRate:F4}");
    });
    foreach (var r in trainer.Fit(train, test, progress))
    {
        Console.WriteLine($"epoch {r.Epoch + 1}: loss {r.Loss:F4} train {r.TrainAccuracy:P2} test {r.TestAccuracy:P2} {r.Seconds:F1}s {r.ImagesPerSecond:F0} img/s");
    }
    var before = Trainer.Evaluate(model, test).Accuracy;
    var sw = Stopwatch.StartNew();
    Trainer.ReestimateBatchNorm(model, train, batches: 100);
    var after = Trainer.Evaluate(model, test).Accuracy;
    Console.WriteLine($"BN re-estimation (100 batches, {sw.Elapsed.TotalSeconds:F1}s): test {before:P2} -> {after:P2}");
    var path = Path.Combine(Path.GetTempPath(), "gn_bench.ckpt");
    Checkpoint.Save(path, model, trainer.Optimizer, trainer.CompletedEpochs, $"K={k} bits={bits}");
    var ctx2 = new TrainingContext(seed: 99);
    var model2 = new GroupNetV1(ctx2, new GroupNetV1Config(k, bits));
    var data = Checkpoint.Load(path, model2, null);
    Console.WriteLine($"checkpoint round trip: epoch {data.Epoch}, reloaded test {Trainer.Evaluate(model2, test).Accuracy:P2}; total {total.Elapsed.TotalSeconds:F0}s");
}

static void Parent(int k, int parentEpochs, int epochs, float lr)
{
    var dir = "/work/main/.cache/mnist/package/data";
    var train = MnistIdx.LoadSplit(dir, true);
    var test = MnistIdx.LoadSplit(dir, false);
    var total = Stopwatch.StartNew();
    var ctx = new TrainingContext(seed: 1);
    var parent = new GroupNetV1(ctx, new GroupNetV1Config(k, 32));
    foreach (var r in new Trainer(parent, new TrainerOptions { Epochs = parentEpochs }, train.Count).Fit(train, test))
        Console.WriteLine($"parent FP epoch {r.Epoch + 1}: loss {r.Loss:F4} train {r.TrainAccuracy:P2} test {r.TestAccuracy:P2} {r.Seconds:F1}s {r.ImagesPerSecond:F0} img/s");
    var model = new GroupNetV1(ctx, new GroupNetV1Config(k, 2));
    model.LoadStateDict(parent.StateDict());
    Console.WriteLine($"W1A2 from parent before fine-tune: test {Trainer.Evaluate(model, test).Accuracy:P2}");
    foreach (var r in new Trainer(model, new TrainerOptions { Epochs = epochs, LearningRate = lr }, train.Count).Fit(train, test))
        Console.WriteLine($"W1A2 K={k} epoch {r.Epoch + 1}: loss {r.Loss:F4} train {r.TrainAccuracy:P2} test {r.TestAccuracy:P2} {r.Seconds:F1}s {r.ImagesPerSecond:F0} img/s");
    Trainer.ReestimateBatchNorm(model, train, batches: 100);
    Console.WriteLine($"after BN re-estimation: test {Trainer.Evaluate(model, test).Accuracy:P2}; total {total.Elapsed.TotalSeconds:F0}s");
}

sealed class Progress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => action(value);
}
