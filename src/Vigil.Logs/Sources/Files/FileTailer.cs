using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Vigil.Logs.Sources.Files;

/// <summary>
/// Follows the files matching a set of globs, polled (the caller owns the schedule, so tests drive it without sleeping).
/// </summary>
/// <remarks>
/// <para>A file is known by a fingerprint of its first line (up to 256 bytes), not by its path, so a renamed file is
/// still the same file (Vector and Filebeat do the same). Each known file keeps an open handle: after
/// <c>app.log</c> is renamed to <c>app.log.1</c>, the lines written to it before the rename are still read, and the
/// new <c>app.log</c> is a new file. A file shorter than its read offset was truncated (copytruncate) and is read from
/// its start. A <c>.gz</c> file matched by the globs is decompressed: when its fingerprint is known (the rotated, then
/// compressed copy of a file being followed) only the part not yet read is taken.</para>
/// <para>Only complete lines (ending in <c>\n</c>) are returned; a line longer than <see cref="FileSourceOptions.MaxLineBytes"/>
/// is cut there (and counted), the rest skipped up to its newline.</para>
/// <para>Checkpoint: <see cref="Checkpoint"/> is the offset of every known file after the lines returned so far. The
/// caller saves it after it has processed those lines (<see cref="SaveCheckpoint"/>), and a tailer created with it
/// resumes there: a clean restart neither loses nor re-reads a line; a crash between processing and saving re-reads
/// at most the last batch.</para>
/// </remarks>
public sealed class FileTailer : IDisposable
{
    private const int FingerprintBytes = 256;
    internal const string CheckpointHeader = "vigil-file-checkpoint 1";

    private readonly FileSourceOptions _options;
    private readonly Dictionary<ulong, TrackedFile> _files = [];
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public FileTailer(FileSourceOptions options, IReadOnlyDictionary<ulong, long>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
        if (checkpoint is not null)
        {
            foreach (var (fingerprint, offset) in checkpoint)
            {
                _files[fingerprint] = new TrackedFile(fingerprint) { Offset = offset };
            }
        }
    }

    /// <summary>Lines cut at <see cref="FileSourceOptions.MaxLineBytes"/>.</summary>
    public long TruncatedLines { get; private set; }

    /// <summary>Times a followed file was found truncated and read again from its start.</summary>
    public long Truncations { get; private set; }

    /// <summary>Offset after the last line returned, per file fingerprint.</summary>
    public IReadOnlyDictionary<ulong, long> Checkpoint => _files.ToDictionary(f => f.Key, f => f.Value.Offset);

    /// <summary>Reads every complete line available now, in file order (files in path order), up to <paramref name="maxLines"/>.</summary>
    public IReadOnlyList<string> Poll(int maxLines = 100_000)
    {
        var lines = new List<string>();

        // 1. Drain the files already open: a file renamed away since the last poll still gets its last lines read.
        foreach (var file in _files.Values.Where(f => f.Stream is not null).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            ReadLines(file, lines, maxLines, mayRestart: false);
        }

        // 2. Look at what the globs match now: new files, truncated ones, compressed rotations.
        var seen = new HashSet<ulong>();
        foreach (var path in MatchingPaths())
        {
            if (lines.Count >= maxLines)
            {
                break;
            }

            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                if (_options.ReadGzipRotated)
                {
                    ReadCompressed(path, lines, maxLines, seen);
                }

                continue;
            }

            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // Vanished between listing and opening, or unreadable: looked at again next poll.
            }

            if (Fingerprint(stream) is not { } fingerprint)
            {
                stream.Dispose(); // No complete first line yet.
                continue;
            }

            seen.Add(fingerprint);
            if (!_files.TryGetValue(fingerprint, out var file))
            {
                file = new TrackedFile(fingerprint) { Offset = 0 };
                _files[fingerprint] = file;
            }

            if (file.Stream is null || file.Path != path)
            {
                file.Stream?.Dispose();
                file.Stream = stream;
                file.Path = path;
            }
            else
            {
                stream.Dispose();
            }

            ReadLines(file, lines, maxLines, mayRestart: true);
        }

        // 3. Forget files that no glob matches any more and that were read to their end (or truncated and re-read
        //    under a new fingerprint).
        foreach (var file in _files.Values.Where(f => !seen.Contains(f.Fingerprint) && (f.Stream is null || f.Stream.Length <= f.Offset)).ToList())
        {
            file.Stream?.Dispose();
            _files.Remove(file.Fingerprint);
        }

        return lines;
    }

    /// <summary>Writes the checkpoint atomically (temporary file, then rename).</summary>
    public void SaveCheckpoint(string path)
    {
        var temporary = path + ".tmp";
        var text = new StringBuilder(CheckpointHeader).Append('\n');
        foreach (var (fingerprint, offset) in Checkpoint.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"{fingerprint:x16} {offset}\n");
        }

        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint written by <see cref="SaveCheckpoint"/>; an absent file is an empty checkpoint.</summary>
    /// <exception cref="FormatException">The file is not a checkpoint.</exception>
    public static Dictionary<ulong, long> LoadCheckpoint(string path)
    {
        var result = new Dictionary<ulong, long>();
        if (!File.Exists(path))
        {
            return result;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != CheckpointHeader)
        {
            throw new FormatException($"{path}: not a file checkpoint (first line must be '{CheckpointHeader}').");
        }

        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(' ');
            if (parts.Length != 2 || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var fingerprint)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                throw new FormatException($"{path}: bad checkpoint line '{line}'.");
            }

            result[fingerprint] = offset;
        }

        return result;
    }

    private SortedSet<string> MatchingPaths()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in _options.Include)
        {
            var directory = Path.GetDirectoryName(glob);
            var pattern = Path.GetFileName(glob);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(directory, pattern))
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    private ulong? Fingerprint(Stream stream)
    {
        if (stream.CanSeek)
        {
            stream.Position = 0;
        }

        var read = stream.ReadAtLeast(_buffer.AsSpan(0, FingerprintBytes), FingerprintBytes, throwOnEndOfStream: false);
        var newline = _buffer.AsSpan(0, read).IndexOf((byte)'\n');
        if (newline < 0 && read < FingerprintBytes)
        {
            return null;
        }

        var length = newline < 0 ? read : newline;
        return Fnv1a(_buffer.AsSpan(0, length));
    }

    /// <summary>FNV-1a, 64 bits: stable across processes and versions (string.GetHashCode is randomised per process).</summary>
    internal static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private void ReadLines(TrackedFile file, List<string> lines, int maxLines, bool mayRestart)
    {
        var stream = file.Stream!;
        long length;
        try
        {
            length = stream.Length;
        }
        catch (IOException)
        {
            return;
        }

        if (length < file.Offset)
        {
            // copytruncate: the file was emptied and written again. Only restarted once its first line (the fingerprint)
            // was read again from the path; a different first line makes it a new file.
            if (!mayRestart)
            {
                return;
            }

            Truncations++;
            file.Offset = 0;
        }

        if (length == file.Offset)
        {
            return;
        }

        stream.Position = file.Offset;
        ReadFrom(stream, file, lines, maxLines);
    }

    private void ReadCompressed(string path, List<string> lines, int maxLines, HashSet<ulong> seen)
    {
        try
        {
            ulong fingerprint;
            using (var probe = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            {
                if (Fingerprint(probe) is not { } found || !seen.Add(found))
                {
                    return;
                }

                fingerprint = found;
            }

            if (!_files.TryGetValue(fingerprint, out var file))
            {
                file = new TrackedFile(fingerprint) { Offset = 0 };
                _files[fingerprint] = file;
            }
            else if (file.Stream is not null)
            {
                return; // The uncompressed original is still open and being read.
            }

            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            var skip = file.Offset;
            while (skip > 0)
            {
                var n = stream.Read(_buffer, 0, (int)Math.Min(skip, _buffer.Length));
                if (n == 0)
                {
                    return;
                }

                skip -= n;
            }

            file.Path = path;
            ReadFrom(stream, file, lines, maxLines);
        }
        catch (InvalidDataException)
        {
            // A .gz that is not gzip (or is still being written): skipped, looked at again next poll.
        }
    }

    /// <summary>Reads complete lines from the stream's position; <c>file.Offset</c> advances past each line returned.</summary>
    private void ReadFrom(Stream stream, TrackedFile file, List<string> lines, int maxLines)
    {
        var pending = new MemoryStream();
        var truncated = false;
        long lineBytes = 0; // bytes of the line being assembled, including any cut off
        while (lines.Count < maxLines)
        {
            var read = stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                break;
            }

            var chunk = _buffer.AsSpan(0, read);
            var start = 0;
            while (start < chunk.Length && lines.Count < maxLines)
            {
                var newline = chunk[start..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    AppendBounded(pending, chunk[start..], ref truncated);
                    lineBytes += chunk.Length - start;
                    break;
                }

                AppendBounded(pending, chunk.Slice(start, newline), ref truncated);
                lineBytes += newline + 1;
                var bytes = pending.GetBuffer().AsSpan(0, (int)pending.Length);
                if (!bytes.IsEmpty && bytes[^1] == '\r')
                {
                    bytes = bytes[..^1];
                }

                lines.Add(_utf8.GetString(bytes));
                TruncatedLines += truncated ? 1 : 0;
                file.Offset += lineBytes;
                lineBytes = 0;
                pending.SetLength(0);
                truncated = false;
                start += newline + 1;
            }
        }
    }

    private void AppendBounded(MemoryStream pending, ReadOnlySpan<byte> bytes, ref bool truncated)
    {
        var room = Math.Max(_options.MaxLineBytes - (int)pending.Length, 0);
        if (bytes.Length > room)
        {
            truncated = true;
            bytes = bytes[..room];
        }

        pending.Write(bytes);
    }

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            file.Stream?.Dispose();
        }
    }

    private sealed class TrackedFile(ulong fingerprint)
    {
        public ulong Fingerprint { get; } = fingerprint;
        public long Offset { get; set; }
        public string? Path { get; set; }
        public FileStream? Stream { get; set; }
    }
}
