using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.History;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// The binary job-state format. Version 2 (magic <c>VGJ2</c>): the last completed range's end (UTC ticks, −1 for
/// none), each series' recent history (for charts; see <see cref="RecentHistory"/>), then every series' detector state
/// in the versioned <see cref="DetectorSnapshot"/> format under the job's fingerprint. The history comes before the
/// detector states because a fingerprint mismatch stops reading the detector section where it stands.
/// Version 1 (<c>VGJ1</c>, before history was kept) is read as a snapshot without history; any other magic, a newer
/// version included, is refused with an <see cref="InvalidDataException"/> naming what was found.
/// </summary>
internal static class JobStateCodec
{
    public const int CurrentVersion = 2;

    /// <summary>Bounds on what a file may claim, so a corrupt count fails cleanly instead of allocating gigabytes.</summary>
    private const int MaxSeries = 10_000_000;
    private const int MaxPointsPerSeries = 10_000_000;
    private const int MaxLabels = 10_000;

    private static readonly byte[] MagicV1 = "VGJ1"u8.ToArray();
    private static readonly byte[] MagicV2 = "VGJ2"u8.ToArray();

    /// <summary>Writes the state; returns the number of series whose detector state was written.</summary>
    public static int Write(Stream stream, DateTimeOffset? lastEnd, string fingerprint, IEnumerable<KeyValuePair<Labels, ISeriesDetector>> series, IReadOnlyList<SeriesHistory> history)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(history);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(MagicV2);
            writer.Write(lastEnd?.UtcTicks ?? -1);
            writer.Write(history.Count);
            foreach (var entry in history)
            {
                WriteLabels(writer, entry.Labels);
                writer.Write(entry.Points.Length);
                foreach (var p in entry.Points)
                {
                    writer.Write(p.TimestampMs);
                    writer.Write(p.Value);
                    writer.Write(p.Score);
                    writer.Write(p.Expected);
                    writer.Write(p.Lower);
                    writer.Write(p.Upper);
                    writer.Write((byte)p.Kind);
                }
            }
        }

        return DetectorSnapshot.Write(stream, fingerprint, series);
    }

    /// <summary>Reads everything before the detector states: the format version, the last completed range's end (null when the job had completed none) and the recent history.</summary>
    /// <exception cref="InvalidDataException">Not a job state file, a version this build does not read, or truncated.</exception>
    public static JobStateHeader ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = reader.ReadBytes(MagicV2.Length);
            var version = magic.AsSpan().SequenceEqual(MagicV2) ? 2 : magic.AsSpan().SequenceEqual(MagicV1) ? 1 : 0;
            if (version == 0)
            {
                var shown = magic.Length == 4 && magic.AsSpan(0, 3).SequenceEqual("VGJ"u8) ? $"format VGJ{(char)magic[3]}" : "an unknown header";
                throw new InvalidDataException($"Not a Vigil job state file this version reads: {shown} (reads VGJ1 and VGJ{CurrentVersion}).");
            }

            var ticks = reader.ReadInt64();
            var lastEnd = ticks < 0 ? (DateTimeOffset?)null : new DateTimeOffset(ticks, TimeSpan.Zero);
            return new JobStateHeader(version, lastEnd, version >= 2 ? ReadHistory(reader) : []);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("Job state file is truncated.", ex);
        }
    }

    /// <summary>Reads the series written under <paramref name="fingerprint"/>; another fingerprint restores nothing.</summary>
    public static (int Restored, int Skipped) ReadSeries(Stream stream, string fingerprint, Func<ISeriesDetector> create, Action<Labels, ISeriesDetector> restore)
        => DetectorSnapshot.Read(stream, fingerprint, create, restore);

    private static SeriesHistory[] ReadHistory(BinaryReader reader)
    {
        var count = Bounded(reader.ReadInt32(), MaxSeries, "history series count");
        var result = new SeriesHistory[count];
        for (var i = 0; i < count; i++)
        {
            var labels = ReadLabels(reader);
            var points = new HistoryPoint[Bounded(reader.ReadInt32(), MaxPointsPerSeries, "history point count")];
            for (var j = 0; j < points.Length; j++)
            {
                var timestamp = reader.ReadInt64();
                var value = reader.ReadSingle();
                var score = reader.ReadSingle();
                var expected = reader.ReadSingle();
                var lower = reader.ReadSingle();
                var upper = reader.ReadSingle();
                var kind = (VerdictKind)reader.ReadByte();
                if (!Enum.IsDefined(kind))
                {
                    throw new InvalidDataException($"Job state file: unknown verdict kind {(byte)kind} in the history of {labels}.");
                }

                points[j] = new HistoryPoint(timestamp, value, score, expected, lower, upper, kind);
            }

            result[i] = new SeriesHistory(labels, points);
        }

        return result;
    }

    private static void WriteLabels(BinaryWriter writer, Labels labels)
    {
        writer.Write(labels.Count);
        foreach (var label in labels)
        {
            writer.Write(label.Name);
            writer.Write(label.Value);
        }
    }

    private static Labels ReadLabels(BinaryReader reader)
    {
        var labels = new Label[Bounded(reader.ReadInt32(), MaxLabels, "label count")];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = new Label(reader.ReadString(), reader.ReadString());
        }

        return Labels.From(labels);
    }

    private static int Bounded(int value, int max, string what)
        => value >= 0 && value <= max ? value : throw new InvalidDataException($"Job state file: {what} {value} is out of range (0 to {max}).");
}

/// <summary>What a job-state file holds before its detector states.</summary>
internal sealed record JobStateHeader(int Version, DateTimeOffset? LastEnd, IReadOnlyList<SeriesHistory> History);
