using System.IO.Compression;
using System.Text;
using Vigil.Logs.Sources.Files;

namespace Vigil.Logs.Tests.Sources.Files;

public sealed class FileTailerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-tail-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private FileTailer CreateSut(string glob = "app.log*", IReadOnlyDictionary<ulong, long>? checkpoint = null, int maxLineBytes = 1 << 20) =>
        new(new FileSourceOptions { Include = [PathOf(glob)], MaxLineBytes = maxLineBytes }, checkpoint);

    private void Append(string name, string text) => File.AppendAllText(PathOf(name), text);

    [Fact]
    public void Poll_AppendedLines_ReturnedOnceAndOnlyWhenComplete()
    {
        Append("app.log", "first line\r\nsecond");
        using var sut = CreateSut();

        Assert.Equal(["first line"], sut.Poll());
        Assert.Empty(sut.Poll());
        Append("app.log", " half\nthird\n");
        Assert.Equal(["second half", "third"], sut.Poll());
        Assert.Empty(sut.Poll());
    }

    [Fact]
    public void Poll_RotatedByRename_LinesWrittenBeforeRenameNotLost()
    {
        Append("app.log", "one\n");
        using var sut = CreateSut("app.log");
        sut.Poll();
        Append("app.log", "two\n");
        File.Move(PathOf("app.log"), PathOf("app.log.1"));
        Append("app.log", "three\n");

        Assert.Equal(["two", "three"], sut.Poll());
        Append("app.log", "four\n");
        Assert.Equal(["four"], sut.Poll());
    }

    [Fact]
    public void Poll_CopyTruncate_NewContentReadFromStart()
    {
        Append("app.log", "old line one\nold line two\n");
        using var sut = CreateSut();
        sut.Poll();
        File.WriteAllText(PathOf("app.log"), "new\n");

        Assert.Equal(["new"], sut.Poll());
        Append("app.log", "next\n");
        Assert.Equal(["next"], sut.Poll());
    }

    [Fact]
    public void Poll_TruncatedThenSameFirstLine_ReadAgainAndCounted()
    {
        Append("app.log", "header\nbody line that is long\n");
        using var sut = CreateSut();
        sut.Poll();
        File.WriteAllText(PathOf("app.log"), "header\nb\n");

        Assert.Equal(["header", "b"], sut.Poll());
        Assert.Equal(1, sut.Truncations);
    }

    [Fact]
    public void Restart_FromCheckpoint_NeitherLosesNorRereads()
    {
        var checkpointPath = PathOf("state.checkpoint");
        Append("app.log", "a\nb\n");
        using (var first = CreateSut())
        {
            Assert.Equal(["a", "b"], first.Poll());
            first.SaveCheckpoint(checkpointPath);
        }

        Append("app.log", "c\n");
        using var second = CreateSut(checkpoint: FileTailer.LoadCheckpoint(checkpointPath));

        Assert.Equal(["c"], second.Poll());
    }

    [Fact]
    public void Restart_FileRotatedAndCompressedWhileDown_RemainderReadOnce()
    {
        var checkpointPath = PathOf("state.checkpoint");
        Append("app.log", "a\n");
        using (var first = CreateSut())
        {
            first.Poll();
            first.SaveCheckpoint(checkpointPath);
        }

        Append("app.log", "b\n");
        using (var gz = new GZipStream(File.Create(PathOf("app.log.1.gz")), CompressionLevel.Fastest))
        {
            gz.Write(File.ReadAllBytes(PathOf("app.log")));
        }

        File.Delete(PathOf("app.log"));
        Append("app.log", "c\n");
        using var second = CreateSut(checkpoint: FileTailer.LoadCheckpoint(checkpointPath));

        Assert.Equal(["c", "b"], second.Poll());
        Assert.Empty(second.Poll());
    }

    [Fact]
    public void Poll_LongLineAndGarbage_CutCountedAndFollowingLinesIntact()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("start\n"));
        bytes.AddRange(Enumerable.Repeat((byte)'x', 5000));
        bytes.Add((byte)'\n');
        bytes.AddRange([0xC3, 0x28, 0x00, 0xFF, (byte)'\n']);
        bytes.AddRange(Encoding.UTF8.GetBytes("end\n"));
        File.WriteAllBytes(PathOf("app.log"), [.. bytes]);
        using var sut = CreateSut(maxLineBytes: 100);

        var lines = sut.Poll();

        Assert.Equal(4, lines.Count);
        Assert.Equal(100, lines[1].Length);
        Assert.Contains('\uFFFD', lines[2]);
        Assert.Equal("end", lines[3]);
        Assert.Equal(1, sut.TruncatedLines);
    }

    [Fact]
    public void LoadCheckpoint_Corrupt_Throws()
    {
        File.WriteAllText(PathOf("bad"), "nope\n");

        Assert.Throws<FormatException>(() => FileTailer.LoadCheckpoint(PathOf("bad")));
    }

    [Fact]
    public void Options_RelativeOrWildcardDirectory_Invalid()
    {
        var errors = new FileSourceOptions { Include = ["logs/*.log", "/var/*/x.log"], MaxLineBytes = 0 }.Validate();

        Assert.Equal(3, errors.Count);
    }
}
