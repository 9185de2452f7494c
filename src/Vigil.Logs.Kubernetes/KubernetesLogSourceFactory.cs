using System.Globalization;
using System.Text;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Logs.Configuration;
using Vigil.Logs.Sources;

namespace Vigil.Logs.Kubernetes;

public static class KubernetesLogServiceCollectionExtensions
{
    /// <summary>Lets the log service run <c>type: kubernetes</c> sources (docs/logs.md). Harmless when none is configured.</summary>
    public static IServiceCollection AddKubernetesLogSources(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolledLogSourceFactory, KubernetesLogSourceFactory>());
        return services;
    }
}

/// <summary>
/// Builds a <see cref="KubernetesPodLogSource"/> per configured source: the client from the source's kubeconfig,
/// the pod's service account, or the client's default discovery; the per-container checkpoint from its file.
/// </summary>
internal sealed class KubernetesLogSourceFactory : IPolledLogSourceFactory
{
    public string Kind => "kubernetes";

    public IPolledLogSource Create(LogSourceOptions source, string? checkpointPath, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = source.Kubernetes ?? throw new ArgumentException($"source '{source.Name}' is not a kubernetes source", nameof(source));
        var configuration = options.InCluster ? KubernetesClientConfiguration.InClusterConfig()
            : options.Kubeconfig is { } path ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
            : KubernetesClientConfiguration.BuildDefaultConfig();
        var checkpoint = checkpointPath is not null && File.Exists(checkpointPath) ? KubernetesCheckpointFile.Read(checkpointPath) : null;
        var client = new k8s.Kubernetes(configuration);
        return new PolledPodLogs(client, new KubernetesPodLogSource(client, options, time, checkpoint), options.PollInterval);
    }

    private sealed class PolledPodLogs(IDisposable client, KubernetesPodLogSource pods, TimeSpan pollInterval) : IPolledLogSource, IDisposable
    {
        public TimeSpan PollInterval => pollInterval;

        public async Task<IReadOnlyList<string>> PollAsync(CancellationToken cancellationToken)
        {
            var lines = await pods.PollAsync(cancellationToken).ConfigureAwait(false);
            return [.. lines.Select(l => l.Line)];
        }

        public void SaveCheckpoint(string path) => KubernetesCheckpointFile.Write(path, pods.Checkpoint);

        public void Dispose() => client.Dispose();
    }
}

/// <summary>The per-container positions as a small text file, written to a temp file and renamed (never half-written).</summary>
internal static class KubernetesCheckpointFile
{
    private const string Header = "vigil-kubernetes-checkpoint 1";

    public static void Write(string path, IReadOnlyDictionary<string, ContainerCheckpoint> checkpoint)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (container, at) in checkpoint.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // pod/container names are DNS labels: no tab, no newline.
            text.Append(container).Append('\t').Append(at.TimestampNs.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .AppendJoin(',', at.SeenAtTimestamp.Order().Select(h => h.ToString("x16", CultureInfo.InvariantCulture))).Append('\n');
        }

        File.WriteAllText(path + ".tmp", text.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <exception cref="FormatException">Not a checkpoint written by <see cref="Write"/>.</exception>
    public static IReadOnlyDictionary<string, ContainerCheckpoint> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new FormatException($"{path} is not a Kubernetes log checkpoint");
        }

        var result = new Dictionary<string, ContainerCheckpoint>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var parts = line.Split('\t');
            if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ns))
            {
                throw new FormatException($"{path}: malformed line '{line}'");
            }

            var seen = parts[2].Length == 0 ? [] : parts[2].Split(',').Select(h => ulong.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToHashSet();
            result[parts[0]] = new ContainerCheckpoint(ns, seen);
        }

        return result;
    }
}
