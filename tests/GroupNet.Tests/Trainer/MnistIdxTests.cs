using System.Buffers.Binary;
using FluentAssertions;
using GroupNet.Trainer.Data;

namespace GroupNet.Tests.Trainer;

public class MnistIdxTests : IDisposable
{
    private readonly string _dir = TrainerTestData.TempDirectory("gn-idx");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Images(int count, int rows, int cols, int magic = 0x00000803)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 16; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }
        return bytes;
    }

    private static byte[] Labels(int count, int magic = 0x00000801)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            bytes[8 + i] = (byte)(i % 10);
        }
        return bytes;
    }

    private (string Images, string Labels) Write(byte[] images, byte[] labels)
    {
        var ip = Path.Combine(_dir, "images-idx3-ubyte");
        var lp = Path.Combine(_dir, "labels-idx1-ubyte");
        File.WriteAllBytes(ip, images);
        File.WriteAllBytes(lp, labels);
        return (ip, lp);
    }

    [Fact]
    public void Well_formed_files_load()
    {
        var (ip, lp) = Write(Images(3, 4, 5), Labels(3));
        var data = MnistIdx.Load(ip, lp);
        data.Count.Should().Be(3);
        (data.Height, data.Width, data.Channels).Should().Be((4, 5, 1));
        data.Labels.Should().Equal([0, 1, 2]);
        data.Pixels[0].Should().Be(unchecked((byte)(16 * 7)));
    }

    [Theory]
    [InlineData(10)]   // inside the header
    [InlineData(16)]   // header only
    [InlineData(-1)]   // one pixel missing
    public void Truncated_images_file_names_the_file(int keep)
    {
        var images = Images(3, 4, 5);
        var (ip, lp) = Write(images.AsSpan(0, keep < 0 ? images.Length - 1 : keep).ToArray(), Labels(3));
        var act = () => MnistIdx.Load(ip, lp);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(ip);
    }

    [Fact]
    public void Truncated_labels_file_names_the_file()
    {
        var labels = Labels(3);
        var (ip, lp) = Write(Images(3, 4, 5), labels.AsSpan(0, labels.Length - 1).ToArray());
        var act = () => MnistIdx.Load(ip, lp);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(lp).And.Contain("truncated");
    }

    [Fact]
    public void Wrong_magic_names_the_file()
    {
        // Labels and images swapped: each file carries the other's magic.
        var (ip, lp) = Write(Images(3, 4, 5, magic: 0x00000801), Labels(3));
        FluentActions.Invoking(() => MnistIdx.Load(ip, lp)).Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(ip).And.Contain("magic");
        (ip, lp) = Write(Images(3, 4, 5), Labels(3, magic: 0x00000803));
        FluentActions.Invoking(() => MnistIdx.Load(ip, lp)).Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(lp).And.Contain("magic");
    }

    [Fact]
    public void Gzip_compressed_file_gets_a_hint()
    {
        var images = Images(3, 4, 5);
        images[0] = 0x1f;
        images[1] = 0x8b;
        images[2] = 0x08;
        images[3] = 0x00;
        var (ip, lp) = Write(images, Labels(3));
        FluentActions.Invoking(() => MnistIdx.Load(ip, lp)).Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(ip).And.Contain("gzip");
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void Label_and_image_count_mismatch_names_both_files(int images, int labels)
    {
        var (ip, lp) = Write(Images(images, 4, 5), Labels(labels));
        var act = () => MnistIdx.Load(ip, lp);
        var message = act.Should().Throw<InvalidDataException>().Which.Message;
        message.Should().Contain(lp).And.Contain(ip).And.Contain($"{labels} labels").And.Contain($"{images} images");
    }

    [Fact]
    public void Label_outside_the_classes_names_the_file()
    {
        var labels = Labels(3);
        labels[9] = 10;
        var (ip, lp) = Write(Images(3, 4, 5), labels);
        FluentActions.Invoking(() => MnistIdx.Load(ip, lp)).Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(lp).And.Contain("label 1");
    }
}
