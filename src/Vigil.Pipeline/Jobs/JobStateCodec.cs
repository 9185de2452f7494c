using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// The binary job-state format: magic <c>VGJ1</c>, the last completed range's end (UTC ticks, −1 for none), then every
/// series' detector state in the versioned <see cref="DetectorSnapshot"/> format under the job's fingerprint.
/// </summary>
internal static class JobStateCodec
{
    private static readonly byte[] Magic = "VGJ1"u8.ToArray();

    /// <summary>Writes the state; returns the number of series written.</summary>
    public static int Write(Stream stream, DateTimeOffset? lastEnd, string fingerprint, IEnumerable<KeyValuePair<Labels, ISeriesDetector>> series)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(lastEnd?.UtcTicks ?? -1);
        }

        return DetectorSnapshot.Write(stream, fingerprint, series);
    }

    /// <summary>Reads the header: the last completed range's end, or null when the job had completed none.</summary>
    /// <exception cref="InvalidDataException">Not a job state file.</exception>
    public static DateTimeOffset? ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a Vigil job state file.");
        }

        var ticks = reader.ReadInt64();
        return ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Reads the series written under <paramref name="fingerprint"/>; another fingerprint restores nothing.</summary>
    public static (int Restored, int Skipped) ReadSeries(Stream stream, string fingerprint, Func<ISeriesDetector> create, Action<Labels, ISeriesDetector> restore)
        => DetectorSnapshot.Read(stream, fingerprint, create, restore);
}
