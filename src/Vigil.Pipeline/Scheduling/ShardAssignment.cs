using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Core.Series;

namespace Vigil.Pipeline.Scheduling;

/// <summary>
/// Which series this replica scores, when a fleet of replicas shares the series of every job (config <c>sharding</c>).
/// A series belongs to shard <c>md5(v₁;v₂;…;vₙ)</c> → last 8 bytes as a big-endian unsigned 64-bit integer → modulo
/// <see cref="Count"/>, where v₁…vₙ are the values of the series' identity labels (after the job's <c>labels</c>
/// allow-list) in ascending order of label name, joined by <c>;</c>. That is exactly Prometheus' <c>hashmod</c>
/// relabelling with those labels as <c>source_labels</c> (in that order) and <c>modulus: count</c>, so the split is
/// reproducible outside Vigil, e.g. to shard the scrapes behind the same series the same way. A multivariate job's
/// series are its join-label groups, so a group is never split.
/// </summary>
public sealed partial class ShardAssignment
{
    public ShardAssignment(int count, int index)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "sharding.count must be at least 1");
        }

        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"sharding.index must be in [0, {count - 1}]");
        }

        Count = count;
        Index = index;
        IndexLabel = index.ToString(CultureInfo.InvariantCulture);
    }

    public int Count { get; }

    public int Index { get; }

    /// <summary>The <c>shard</c> label every exported series of this replica carries.</summary>
    public string IndexLabel { get; }

    /// <summary>True when this replica scores the series.</summary>
    public bool Owns(Labels identity) => ShardOf(identity, Count) == (ulong)Index;

    /// <summary>The shard of a series among <paramref name="count"/> (see the class comment for the definition).</summary>
    public static ulong ShardOf(Labels identity, int count)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var labels = identity.AsSpan();
        var length = Math.Max(0, labels.Length - 1); // the ';' separators
        foreach (var label in labels)
        {
            length += Encoding.UTF8.GetMaxByteCount(label.Value.Length);
        }

        // The joined values are written as UTF-8 straight into a stack (or pooled) buffer: no string per series.
        byte[]? rented = null;
        var buffer = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = 0;
            for (var i = 0; i < labels.Length; i++)
            {
                // Labels are kept sorted by name, so this is ascending label-name order.
                if (i > 0)
                {
                    buffer[written++] = (byte)';';
                }

                written += Encoding.UTF8.GetBytes(labels[i].Value, buffer[written..]);
            }

            Span<byte> hash = stackalloc byte[16];
            // MD5 is what Prometheus' hashmod uses; here it is a stable spreading function, not a security measure.
#pragma warning disable CA5351
            MD5.HashData(buffer[..written], hash);
#pragma warning restore CA5351
            return BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) % (ulong)count;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The index from a StatefulSet pod name (<c>vigil-2</c> → 2): the ordinal Kubernetes gives each replica in
    /// <c>HOSTNAME</c>. Null when the name does not end in <c>-&lt;number&gt;</c>.
    /// </summary>
    public static int? OrdinalFromHostname(string? hostname)
        => hostname is not null && OrdinalRegex().Match(hostname) is { Success: true } m
            && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
                ? ordinal
                : null;

    [GeneratedRegex(@"-(\d{1,9})$")]
    private static partial Regex OrdinalRegex();
}
