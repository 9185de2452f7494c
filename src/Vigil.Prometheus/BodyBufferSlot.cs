namespace Vigil.Prometheus;

/// <summary>
/// The byte array a client reads its response bodies into, kept from one response to the next. A job's responses are
/// about the same size cycle after cycle (18 MB for 100k series), so one array sized to the last body serves them all:
/// no allocation and no large-object-heap churn per cycle. It replaces renting from <c>ArrayPool.Shared</c>, whose
/// buckets kept every size a growing body had passed through (64 KB, 128 KB … 64 MB: ≈ 128 MB after a warm-up of 50 MB
/// slices, for the life of the process). An array much larger than the body it last held (after the warm-up's large
/// slices) is dropped, and the next one is sized to that body.
/// </summary>
internal sealed class BodyBufferSlot
{
    private byte[]? _spare;
    private long _lastLength;

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, and as large as the last body plus a quarter.</summary>
    public byte[] Take(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumLength);
        // Two queries at once (two jobs on one source): the second allocates its own buffer.
        var spare = Interlocked.Exchange(ref _spare, null);
        if (spare is not null && spare.Length >= minimumLength)
        {
            return spare;
        }

        var last = Interlocked.Read(ref _lastLength);
        var length = Math.Max(minimumLength, (int)Math.Min(Array.MaxLength, last + (last / 4) + 1));
        // Uninitialised: every byte is written by the read before the parser sees it, so clearing would only cost CPU.
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Takes <paramref name="buffer"/> back after a body of <paramref name="usedLength"/> bytes.</summary>
    public void Return(byte[] buffer, int usedLength)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Interlocked.Exchange(ref _lastLength, usedLength);
        if (buffer.Length > 2L * Math.Max(usedLength, PrometheusConstants.InitialBufferBytes))
        {
            // Far larger than needed: let the GC have it; the next body gets an array sized to this one.
            return;
        }

        Interlocked.Exchange(ref _spare, buffer);
    }

    /// <summary>Bytes of the buffer kept for the next body (0 when none), for tests.</summary>
    internal int SpareLength => Volatile.Read(ref _spare)?.Length ?? 0;
}
