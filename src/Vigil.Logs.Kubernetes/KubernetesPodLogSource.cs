using System.Globalization;
using System.Text;
using k8s;
using k8s.Autorest;
using Vigil.Logs.Sources;
using Vigil.Logs.Sources.Kubernetes;

namespace Vigil.Logs.Kubernetes;

/// <summary>One log line of one container.</summary>
public sealed record PodLogLine(string Pod, string Container, long TimestampNs, string Line);

/// <summary>Where each container's log was read up to: last timestamp and the lines at exactly that timestamp.</summary>
public sealed record ContainerCheckpoint(long TimestampNs, IReadOnlySet<ulong> SeenAtTimestamp);

/// <summary>The Kubernetes API could not be reached or answered with an error; the poll can be retried.</summary>
public sealed class KubernetesLogException(string message, Exception? inner = null) : LogSourceException(message, inner);

/// <summary>
/// Reads the logs of the pods of a namespace that match a label selector: the last <see cref="KubernetesLogOptions.TailLines"/>
/// lines of a container seen for the first time, then only what is newer.
/// </summary>
/// <remarks>
/// Lines are asked for with <c>timestamps=true</c>, so each carries the kubelet's RFC 3339 timestamp. The API's
/// <c>sinceTime</c> is not exposed by KubernetesClient 21, so increments use <c>sinceSeconds</c> (rounded up, one second
/// of overlap) and drop lines at or before the checkpoint timestamp; lines sharing the checkpoint's timestamp are told
/// apart by hash. A restart from <see cref="Checkpoint"/> neither loses nor re-reads a line (while the kubelet still has
/// it). Containers of pods that are gone are forgotten.
/// </remarks>
public sealed class KubernetesPodLogSource
{
    private readonly IKubernetes _client;
    private readonly KubernetesLogOptions _options;
    private readonly TimeProvider _time;
    private Dictionary<string, ContainerCheckpoint> _checkpoints;

    public KubernetesPodLogSource(IKubernetes client, KubernetesLogOptions options, TimeProvider time, IReadOnlyDictionary<string, ContainerCheckpoint>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _checkpoints = checkpoint?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? new(StringComparer.Ordinal);
    }

    /// <summary>Per container (<c>pod/container</c>): where its log was read up to.</summary>
    public IReadOnlyDictionary<string, ContainerCheckpoint> Checkpoint => new Dictionary<string, ContainerCheckpoint>(_checkpoints, StringComparer.Ordinal);

    /// <summary>New lines of every selected container since the last poll.</summary>
    /// <exception cref="KubernetesLogException">Listing pods or reading a log failed; no checkpoint moved.</exception>
    public async Task<IReadOnlyList<PodLogLine>> PollAsync(CancellationToken cancellationToken)
    {
        k8s.Models.V1PodList pods;
        try
        {
            pods = await _client.CoreV1.ListNamespacedPodAsync(_options.Namespace, labelSelector: _options.LabelSelector.Length == 0 ? null : _options.LabelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or System.Text.Json.JsonException)
        {
            throw new KubernetesLogException($"listing pods of {_options.Namespace}: {ex.Message}", ex);
        }

        var lines = new List<PodLogLine>();
        var next = new Dictionary<string, ContainerCheckpoint>(StringComparer.Ordinal);
        foreach (var pod in pods.Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (pod.Status?.Phase is not ("Running" or "Succeeded" or "Failed"))
            {
                continue; // Pending pods have no log yet.
            }

            foreach (var container in pod.Spec.Containers)
            {
                var key = pod.Metadata.Name + "/" + container.Name;
                var checkpoint = _checkpoints.GetValueOrDefault(key);
                next[key] = await ReadContainerAsync(pod.Metadata.Name, container.Name, checkpoint, lines, cancellationToken).ConfigureAwait(false);
            }
        }

        // Every read succeeded: move all checkpoints together (and forget containers that are gone).
        _checkpoints = next;
        return lines;
    }

    private async Task<ContainerCheckpoint> ReadContainerAsync(string pod, string container, ContainerCheckpoint? checkpoint, List<PodLogLine> lines, CancellationToken cancellationToken)
    {
        int? sinceSeconds = null;
        int? tailLines = _options.TailLines;
        if (checkpoint is not null)
        {
            var nowNs = ToNs(_time.GetUtcNow());
            sinceSeconds = (int)Math.Clamp(((nowNs - checkpoint.TimestampNs) / 1_000_000_000L) + 2, 1, int.MaxValue);
            tailLines = null;
        }

        string text;
        try
        {
            using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod, _options.Namespace, container: container, sinceSeconds: sinceSeconds, tailLines: tailLines, timestamps: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, new UTF8Encoding(false, false));
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException)
        {
            throw new KubernetesLogException($"reading the log of {_options.Namespace}/{pod}/{container}: {ex.Message}", ex);
        }

        var timestamp = checkpoint?.TimestampNs ?? long.MinValue;
        var seen = checkpoint is null ? [] : new HashSet<ulong>(checkpoint.SeenAtTimestamp);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !TryParseTimestamp(line.AsSpan(0, space), out var ns))
            {
                continue; // Not a timestamped line (should not happen with timestamps=true).
            }

            var message = line[(space + 1)..];
            var hash = Vigil.Logs.Sources.Files.FileTailer.Fnv1a(Encoding.UTF8.GetBytes(message));
            if (ns < timestamp || (ns == timestamp && !seen.Add(hash)))
            {
                continue;
            }

            if (ns > timestamp)
            {
                timestamp = ns;
                seen = [hash];
            }

            lines.Add(new PodLogLine(pod, container, ns, message));
        }

        return timestamp == long.MinValue ? new ContainerCheckpoint(ToNs(_time.GetUtcNow()), new HashSet<ulong>()) : new ContainerCheckpoint(timestamp, seen);
    }

    /// <summary>RFC 3339 with up to nine fractional digits (Go's RFC3339Nano trims trailing zeros), UTC (<c>Z</c>).</summary>
    internal static bool TryParseTimestamp(ReadOnlySpan<char> text, out long ns)
    {
        ns = 0;
        if (text.Length < 20 || text[^1] != 'Z'
            || !DateTimeOffset.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var seconds))
        {
            return false;
        }

        long fraction = 0;
        var fractionText = text[19..^1];
        if (!fractionText.IsEmpty)
        {
            if (fractionText[0] != '.' || fractionText.Length > 10 || !long.TryParse(fractionText[1..], NumberStyles.None, CultureInfo.InvariantCulture, out fraction))
            {
                return false;
            }

            for (var digits = fractionText.Length - 1; digits < 9; digits++)
            {
                fraction *= 10;
            }
        }

        ns = (seconds.ToUnixTimeSeconds() * 1_000_000_000L) + fraction;
        return true;
    }

    private static long ToNs(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() * 1_000_000L) + ((time.Ticks % TimeSpan.TicksPerMillisecond) * 100);
}
