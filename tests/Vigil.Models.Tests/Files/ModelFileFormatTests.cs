using System.Text;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Files;

namespace Vigil.Models.Tests.Files;

public sealed class ModelFileFormatTests
{
    [Fact]
    public void WriteRead_RoundTrip_ScoresIdenticallyAndKeepsHeader()
    {
        using var dir = new TempDirectory();
        var original = TestModels.File();
        var path = dir.File("m.vmodel");

        ModelFileFormat.Write(path, original);
        var loaded = ModelFileFormat.Read(path);

        Assert.Equal(original.Header.Version, loaded.Header.Version);
        Assert.Equal(original.Header.Features, loaded.Header.Features);
        Assert.Equal(original.Header.HyperParameters, loaded.Header.HyperParameters);
        Assert.Equal(500, loaded.Header.Training!.Rows);
        Assert.Equal(0.05, loaded.Header.Validation["anomaly_rate"]);
        Assert.Equal(original.Model.Forest.Offset, loaded.Model.Forest.Offset);
        var x = TestModels.Cloud(200, 2, seed: 99);
        Assert.Equal(original.Model.ScoreBatch(x), loaded.Model.ScoreBatch(x));
        Assert.Equal(loaded.Header.Version, loaded.Model.Version);
    }

    [Fact]
    public void Create_Version_IsTimeAndHashPrefix()
    {
        var file = TestModels.File();

        Assert.StartsWith("20261121T120000Z-", file.Header.Version, StringComparison.Ordinal);
        Assert.Equal(file.Header.Body.Sha256[..8], file.Header.Version[^8..]);
    }

    [Fact]
    public void Serialize_SameModel_IsByteIdentical()
        => Assert.Equal(ModelFileFormat.Serialize(TestModels.File()), ModelFileFormat.Serialize(TestModels.File()));

    [Fact]
    public void Read_Missing_NamesFileAndReason()
    {
        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Read("/nonexistent/dir/m.vmodel"));

        Assert.Contains("/nonexistent/dir/m.vmodel", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, "truncated: 5 bytes")]
    [InlineData(100, "truncated: header")]
    [InlineData(-10, "truncated: body")]
    public void Deserialize_Truncated_SaysTruncated(int keep, string reason)
    {
        var bytes = ModelFileFormat.Serialize(TestModels.File());
        var cut = keep >= 0 ? bytes[..keep] : bytes[..^(-keep)];

        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(cut, "x.vmodel"));

        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_FlippedBodyByte_FailsHashCheck()
    {
        var bytes = ModelFileFormat.Serialize(TestModels.File());
        bytes[^100] ^= 0x01;

        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "x.vmodel"));

        Assert.Contains("SHA-256", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_TrailingGarbage_Rejected()
    {
        byte[] bytes = [.. ModelFileFormat.Serialize(TestModels.File()), 0, 0];

        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "x.vmodel"));

        Assert.Contains("unexpected bytes", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_BadMagic_Rejected()
    {
        var bytes = ModelFileFormat.Serialize(TestModels.File());
        bytes[0] = (byte)'X';

        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "x.vmodel"));

        Assert.Contains("not a Vigil model file", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"format_version\": 1", "\"format_version\": 2", "incompatible: format_version 2")]
    [InlineData("\"kind\": \"isolation_forest\"", "\"kind\": \"lstm_autoenc\"", "incompatible: model kind")]
    [InlineData("\"encoding\": \"vigil-trees-le-v1\"", "\"encoding\": \"vigil-trees-le-v9\"", "incompatible: body encoding")]
    [InlineData("\"input_precision\": \"float64\"", "\"input_precision\": \"float16\"", "invalid model: input_precision")]
    [InlineData("\"offset\": ", "\"offset\": 5, \"x\": ", "corrupt header")]
    public void Deserialize_EditedHeader_ExplainsWhy(string find, string replace, string reason)
    {
        var bytes = EditHeader(ModelFileFormat.Serialize(TestModels.File()), find, replace);

        var ex = Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "x.vmodel"));

        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_OffsetOutOfRange_Invalid()
    {
        var file = TestModels.File();
        var bytes = EditHeader(ModelFileFormat.Serialize(file), "\"offset\": ", "\"offset\": 0.5, \"_\": ");

        // Unknown members are rejected before the offset is looked at: the header is strict JSON.
        Assert.Throws<ModelFileException>(() => ModelFileFormat.Deserialize(bytes, "x.vmodel"));
    }

    [Fact]
    public void Header_IsReadableJson()
    {
        var bytes = ModelFileFormat.Serialize(TestModels.File());
        var text = Encoding.UTF8.GetString(bytes, 12, BitConverter.ToInt32(bytes, 8));

        Assert.Contains("\"query\": \"rate(cpu[5m])\"", text, StringComparison.Ordinal);
        Assert.Contains("\"join_labels\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Golden_V1File_StillLoadsAndScores()
    {
        // Pins the wire format: a file written by the first release must keep loading with identical scores.
        var file = ModelFileFormat.Read(Path.Combine(AppContext.BaseDirectory, "golden", "isolation_forest_v1.vmodel"));

        Assert.Equal("golden", file.Header.Name);
        Assert.Equal(InputPrecision.Exact, file.Model.Forest.Precision);
        Assert.Equal(-0.37731864030401296, file.Model.Forest.ScoreSample([0.5, -0.25]), 15); // tools/make_golden.py prints it
        Assert.Equal("rate(cpu[5m])", file.Header.Features[0].Query);
        Assert.Equal(2.0, file.Model.Scaler.Scales[0]);
    }

    private static byte[] EditHeader(byte[] bytes, string find, string replace)
    {
        var length = BitConverter.ToInt32(bytes, 8);
        var header = Encoding.UTF8.GetString(bytes, 12, length);
        Assert.Contains(find, header, StringComparison.Ordinal);
        var edited = Encoding.UTF8.GetBytes(header.Replace(find, replace, StringComparison.Ordinal));
        var result = new byte[12 + edited.Length + (bytes.Length - 12 - length)];
        bytes.AsSpan(0, 8).CopyTo(result);
        BitConverter.TryWriteBytes(result.AsSpan(8), edited.Length);
        edited.CopyTo(result, 12);
        bytes.AsSpan(12 + length).CopyTo(result.AsSpan(12 + edited.Length));
        return result;
    }
}
