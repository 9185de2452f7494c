using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Vigil.Prometheus;

/// <summary>
/// Turns UTF-8 bytes into strings, returning the same instance for repeated ASCII input. A response of 100k
/// series repeats a handful of label names and few distinct values (job, instance, ...), so this removes most
/// per-series string allocations. Lives for one response: no unbounded growth across requests.
/// </summary>
internal sealed class Utf8StringCache
{
    private readonly int _maxEntries;
    private readonly int _maxKeyBytes;
    private Entry[] _entries;
    private int _count;

    public Utf8StringCache(int maxEntries, int maxKeyBytes, int initialCapacity = 64)
    {
        _maxEntries = maxEntries;
        _maxKeyBytes = maxKeyBytes;
        _entries = new Entry[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)initialCapacity))];
    }

    public int Count => _count;

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > _maxKeyBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = Hash(utf8);
        var mask = _entries.Length - 1;
        var index = hash & mask;
        while (true)
        {
            ref var entry = ref _entries[index];
            if (entry.Value is null)
            {
                break;
            }

            // Cached strings are ASCII only, so comparing bytes to chars one to one is exact.
            if (entry.Hash == hash && entry.Value.Length == utf8.Length && Ascii.Equals(utf8, entry.Value))
            {
                return entry.Value;
            }

            index = (index + 1) & mask;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (_count < _maxEntries && value.Length == utf8.Length && Ascii.IsValid(utf8))
        {
            _entries[index] = new Entry(value, hash);
            _count++;

            // Keep the load at most one half so probe chains stay short and always end at an empty slot.
            if (_count * 2 > _entries.Length)
            {
                Grow();
            }
        }

        return value;
    }

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        var mask = entries.Length - 1;
        foreach (var entry in _entries)
        {
            if (entry.Value is null)
            {
                continue;
            }

            var index = entry.Hash & mask;
            while (entries[index].Value is not null)
            {
                index = (index + 1) & mask;
            }

            entries[index] = entry;
        }

        _entries = entries;
    }

    internal static int Hash(ReadOnlySpan<byte> data)
    {
        // Not DoS-hardened: keys come from the configured (trusted) Prometheus and the tables are capped.
        var h = (ulong)data.Length * 0x9E3779B97F4A7C15UL;
        while (data.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * 0xFF51AFD7ED558CCDUL, 31);
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 29;
        return (int)h & int.MaxValue;
    }

    private readonly record struct Entry(string? Value, int Hash);
}
