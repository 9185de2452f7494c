namespace Vigil.Prometheus;

/// <summary>
/// A response body read whole into one array of the client's <see cref="BodyBufferSlot"/>, so the parser sees a single
/// span (the fastest <see cref="System.Text.Json.Utf8JsonReader"/> mode) and large responses do not churn the large
/// object heap: the same array serves the next response.
/// </summary>
internal sealed class ResponseBody : IDisposable
{
    private readonly BodyBufferSlot _slot;
    private byte[]? _buffer;

    private ResponseBody(BodyBufferSlot slot, byte[] buffer, int length)
    {
        _slot = slot;
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(ResponseBody))).AsSpan(0, Length);

    /// <exception cref="PrometheusResponseException">The body is larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<ResponseBody> ReadAsync(HttpContent content, long maxBytes, string endpoint, BodyBufferSlot slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(endpoint, maxBytes, declared);
        }

        // One byte of head-room: a body longer than declared or allowed is detected, not silently cut.
        var initial = (int)Math.Min(maxBytes + 1, declared.HasValue ? declared.Value + 1 : PrometheusConstants.InitialBufferBytes);
        var buffer = slot.Take(initial);
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        // The outgrown array is left to the GC, not pooled: a pool would keep every size it passed through.
                        var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        buffer = grown;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        throw TooLarge(endpoint, maxBytes, declared: null);
                    }
                }
            }

            return new ResponseBody(slot, buffer, length);
        }
        catch
        {
            slot.Return(buffer, length);
            throw;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _slot.Return(buffer, Length);
        }
    }

    private static PrometheusResponseException TooLarge(string endpoint, long maxBytes, long? declared)
    {
        var size = declared is { } d ? $"{d} bytes (Content-Length)" : "more bytes";
        return new PrometheusResponseException(
            $"{endpoint} response too large: {size} exceeds {nameof(PrometheusClientOptions.MaxResponseBytes)} = {maxBytes} bytes; " +
            "narrow the query (fewer series, shorter range, larger step) or raise the limit");
    }
}
