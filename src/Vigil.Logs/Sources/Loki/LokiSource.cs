using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Vigil.Logs.Sources.Loki;

/// <summary>One log entry read from Loki.</summary>
public sealed record LokiEntry(long TimestampNs, string Stream, string Line);

/// <summary>Where a Loki source has read up to: the last timestamp, and the entries at exactly that timestamp already read.</summary>
public sealed record LokiCheckpoint(long TimestampNs, IReadOnlySet<ulong> SeenAtTimestamp);

/// <summary>Error reading from Loki (transport, HTTP status or response body); the poll can simply be retried.</summary>
public sealed class LokiException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a LogQL query forward with <c>GET /loki/api/v1/query_range</c>
/// (https://grafana.com/docs/loki/latest/reference/loki-http-api/#query-logs-within-a-range-of-time).
/// </summary>
/// <remarks>
/// Each poll asks for <c>[checkpoint, now − delay]</c> in pages of <see cref="LokiOptions.Limit"/>. The range start is
/// inclusive and several entries can share a nanosecond timestamp, so the entries already read at the checkpoint's
/// timestamp are remembered by hash and skipped: a restart from a saved <see cref="Checkpoint"/> neither loses nor
/// re-reads an entry. A failed poll leaves the checkpoint where it was.
/// </remarks>
public sealed class LokiSource
{
    private readonly HttpClient _http;
    private readonly LokiOptions _options;
    private readonly TimeProvider _time;
    private long _timestampNs;
    private HashSet<ulong> _seen = [];
    private bool _started;

    public LokiSource(HttpClient http, LokiOptions options, TimeProvider time, LokiCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        if (checkpoint is not null)
        {
            _timestampNs = checkpoint.TimestampNs;
            _seen = [.. checkpoint.SeenAtTimestamp];
            _started = true;
        }
    }

    public LokiCheckpoint Checkpoint => new(_timestampNs, new HashSet<ulong>(_seen));

    /// <summary>Entries new since the last poll, in timestamp order.</summary>
    /// <exception cref="LokiException">Loki could not be reached or answered with an error.</exception>
    public async Task<IReadOnlyList<LokiEntry>> PollAsync(CancellationToken cancellationToken)
    {
        var end = ToNs(_time.GetUtcNow() - _options.Delay);
        var start = _started ? _timestampNs : ToNs(_time.GetUtcNow() - _options.Delay - _options.InitialLookback);
        if (start > end)
        {
            return [];
        }

        var result = new List<LokiEntry>();
        var timestamp = _timestampNs;
        var seen = new HashSet<ulong>(_seen);
        while (true)
        {
            var page = await QueryAsync(start, end, cancellationToken).ConfigureAwait(false);
            var fresh = 0;
            foreach (var entry in page.OrderBy(e => e.TimestampNs).ThenBy(e => e.Stream, StringComparer.Ordinal))
            {
                var hash = Hash(entry);
                if (entry.TimestampNs < timestamp || (entry.TimestampNs == timestamp && !seen.Add(hash)))
                {
                    continue;
                }

                if (entry.TimestampNs > timestamp)
                {
                    timestamp = entry.TimestampNs;
                    seen = [hash];
                }

                result.Add(entry);
                fresh++;
            }

            // A full page may have more after it: ask again from its last timestamp (inclusive, de-duplicated above).
            if (page.Count < _options.Limit || fresh == 0)
            {
                break;
            }

            start = timestamp;
        }

        // Commit only after every page was read: a failure above leaves the checkpoint unchanged.
        // With nothing new, the range up to `end` is done (entries arriving later than `delay` behind are not read).
        _timestampNs = result.Count > 0 ? timestamp : Math.Max(_timestampNs, end);
        _seen = result.Count > 0 ? seen : (_timestampNs == end ? [] : _seen);
        _started = true;
        return result;
    }

    private async Task<List<LokiEntry>> QueryAsync(long startNs, long endNs, CancellationToken cancellationToken)
    {
        var url = new Uri(_options.Url, string.Create(CultureInfo.InvariantCulture,
            $"loki/api/v1/query_range?query={Uri.EscapeDataString(_options.Query)}&start={startNs}&end={endNs}&limit={_options.Limit}&direction=forward"));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_options.Tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", _options.Tenant);
        }

        if (_options.BearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.BearerToken);
        }
        else if (_options.Username is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}")));
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new LokiException($"Loki query_range failed: {ex.Message}", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new LokiException(string.Create(CultureInfo.InvariantCulture, $"Loki query_range: HTTP {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}"));
            }

            return Parse(body);
        }
    }

    /// <summary>Parses a <c>query_range</c> response of result type <c>streams</c>.</summary>
    internal static List<LokiEntry> Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.GetProperty("status").GetString() != "success")
            {
                throw new LokiException("Loki query_range: status is not success.");
            }

            var data = root.GetProperty("data");
            var type = data.GetProperty("resultType").GetString();
            if (type != "streams")
            {
                throw new LokiException($"Loki query_range: resultType '{type}' is not 'streams' (the query must be a log query, not a metric query).");
            }

            var entries = new List<LokiEntry>();
            foreach (var stream in data.GetProperty("result").EnumerateArray())
            {
                var labels = string.Join(",", stream.GetProperty("stream").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"));
                foreach (var value in stream.GetProperty("values").EnumerateArray())
                {
                    // ["<unix ns as string>", "<line>"] (a third element, structured metadata, may follow).
                    var ns = long.Parse(value[0].GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);
                    entries.Add(new LokiEntry(ns, labels, value[1].GetString() ?? ""));
                }
            }

            return entries;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw new LokiException($"Loki query_range: malformed response: {ex.Message}", ex);
        }
    }

    private static long ToNs(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() * 1_000_000L) + ((time.Ticks % TimeSpan.TicksPerMillisecond) * 100);

    private static ulong Hash(LokiEntry entry)
    {
        var bytes = Encoding.UTF8.GetBytes(entry.Stream + "\n" + entry.Line);
        return Files.FileTailer.Fnv1a(bytes);
    }
}
