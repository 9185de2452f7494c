using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Vigil.Core.Series;

namespace Vigil.Prometheus;

/// <summary>
/// Label sets of series seen in earlier responses, keyed by the raw JSON bytes of their <c>metric</c> object.
/// Vigil polls the same queries every interval and Prometheus prints a series' labels identically each time, so
/// in steady state a response of 100k series builds no new <see cref="Labels"/> (the dominant parse cost) and
/// downstream maps keyed by labels hit the same instances. Thread-safe: one client serves concurrent jobs.
/// </summary>
internal sealed class LabelSetCache
{
    private readonly ConcurrentDictionary<byte[], Labels> _entries = new(RawKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Labels>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly int _maxEntries;
    private int _count;

    public LabelSetCache(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        _maxEntries = maxEntries;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Approximate number of cached label sets.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<byte> rawMetric, [NotNullWhen(true)] out Labels? labels) => _lookup.TryGetValue(rawMetric, out labels);

    public void Add(ReadOnlySpan<byte> rawMetric, Labels labels)
    {
        // A crude bound, but a bound: when the universe of series outgrows the cache (churning pods, a new
        // query), start over rather than track recency for every entry on the hot path.
        if (Volatile.Read(ref _count) >= _maxEntries)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }

        if (_lookup.TryAdd(rawMetric, labels))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private sealed class RawKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static RawKeyComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Utf8StringCache.Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Utf8StringCache.Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
