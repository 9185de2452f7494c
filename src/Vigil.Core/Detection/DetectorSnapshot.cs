using System.Text;
using Vigil.Core.Series;

namespace Vigil.Core.Detection;

/// <summary>
/// The file format for persisting a job's series states across restarts (the host snapshots periodically and on
/// shutdown, and restores on start). Layout: magic "VGS1", a format byte, the detector fingerprint, then per series its
/// labels and a length-prefixed state blob written by <see cref="ISerializableSeriesDetector.WriteState"/>. The blob is
/// length-prefixed so one unreadable series is skipped (it re-learns) without losing the others; a different
/// fingerprint (detector type or parameters changed) discards the whole snapshot.
/// </summary>
public static class DetectorSnapshot
{
    private const byte FormatVersion = 1;
    private static readonly byte[] Magic = "VGS1"u8.ToArray();

    /// <summary>Identifies a detector configuration: type plus parameters in ordinal order.</summary>
    public static string Fingerprint(DetectorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sb = new StringBuilder(spec.Type);
        foreach (var (key, value) in spec.Parameters.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            sb.Append(';').Append(key.ToLowerInvariant()).Append('=').Append(value.Trim());
        }

        return sb.ToString();
    }

    /// <summary>Writes every series whose state is serialisable; returns how many were written.</summary>
    public static int Write(Stream stream, string fingerprint, IEnumerable<KeyValuePair<Labels, ISeriesDetector>> series)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(series);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(fingerprint);
        var written = 0;
        using var blob = new MemoryStream();
        foreach (var (labels, detector) in series)
        {
            if (detector is not ISerializableSeriesDetector serializable)
            {
                continue;
            }

            blob.SetLength(0);
            using (var blobWriter = new BinaryWriter(blob, Encoding.UTF8, leaveOpen: true))
            {
                serializable.WriteState(blobWriter);
            }

            writer.Write(true);
            writer.Write(labels.Count);
            foreach (var label in labels)
            {
                writer.Write(label.Name);
                writer.Write(label.Value);
            }

            writer.Write((int)blob.Length);
            writer.Write(blob.GetBuffer(), 0, (int)blob.Length);
            written++;
        }

        writer.Write(false);
        return written;
    }

    /// <summary>
    /// Restores series from a snapshot: for each one a fresh series from <paramref name="create"/> reads its state and is
    /// handed to <paramref name="restored"/>. Returns (restored, skipped); a fingerprint mismatch restores nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a snapshot (bad magic, unknown format, truncated).</exception>
    public static (int Restored, int Skipped) Read(Stream stream, string fingerprint, Func<ISeriesDetector> create, Action<Labels, ISeriesDetector> restored)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(restored);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("Not a Vigil detector snapshot.");
            }

            var format = reader.ReadByte();
            if (format != FormatVersion)
            {
                throw new InvalidDataException($"Snapshot format {format} is not supported (expected {FormatVersion}).");
            }

            if (!string.Equals(reader.ReadString(), fingerprint, StringComparison.Ordinal))
            {
                return (0, 0);
            }

            int count = 0, skipped = 0;
            while (reader.ReadBoolean())
            {
                var labelCount = reader.ReadInt32();
                if (labelCount is < 0 or > 10_000)
                {
                    throw new InvalidDataException("Snapshot label count out of range.");
                }

                var labels = new Label[labelCount];
                for (var i = 0; i < labelCount; i++)
                {
                    labels[i] = new Label(reader.ReadString(), reader.ReadString());
                }

                var length = reader.ReadInt32();
                var bytes = reader.ReadBytes(length);
                if (bytes.Length != length)
                {
                    throw new InvalidDataException("Snapshot is truncated.");
                }

                var series = create();
                try
                {
                    using var blobReader = new BinaryReader(new MemoryStream(bytes, writable: false));
                    ((ISerializableSeriesDetector)series).ReadState(blobReader);
                    restored(Labels.From(labels), series);
                    count++;
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or InvalidCastException)
                {
                    skipped++; // this series re-learns; the others keep their state
                }
            }

            return (count, skipped);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("Snapshot is truncated.", ex);
        }
    }
}
