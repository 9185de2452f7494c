using System.IO.Compression;
using System.Text;

namespace Vigil.Logs.Offline;

/// <summary>
/// The lines of a log file, gzip'd or not (by the <c>.gz</c> suffix), decoded as UTF-8 with invalid bytes replaced
/// (U+FFFD, which the miner masks), with the bytes read so far for a progress bar.
/// </summary>
public sealed class LogFileLines : IDisposable
{
    private readonly FileStream _file;
    private readonly StreamReader _reader;

    public LogFileLines(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        _reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    /// <summary>Size of the file on disk (compressed size for .gz).</summary>
    public long Length => _file.Length;

    /// <summary>Bytes of the file read so far.</summary>
    public long Position => _file.Position;

    public IEnumerable<string> Lines()
    {
        while (_reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    public void Dispose() => _reader.Dispose();
}
