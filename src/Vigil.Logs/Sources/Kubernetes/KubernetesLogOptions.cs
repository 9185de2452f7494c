using System.Globalization;
using Vigil.Configuration;

namespace Vigil.Logs.Sources.Kubernetes;

/// <summary>Pod logs of one namespace, selected by labels, as the reference inspector reads them.</summary>
public sealed record KubernetesLogOptions
{
    public const int DefaultTailLines = 200;
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(30);

    public required string Namespace { get; init; }

    /// <summary>Label selector (<c>app=checkout,tier!=cache</c>); empty selects every pod of the namespace.</summary>
    public string LabelSelector { get; init; } = "";

    /// <summary>Lines read from a container seen for the first time (the reference reads the last 200).</summary>
    public int TailLines { get; init; } = DefaultTailLines;

    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>
    /// A kubeconfig file (its current context is used). Null: the client's default (<c>$KUBECONFIG</c>, then
    /// <c>~/.kube/config</c>, then the in-cluster service account).
    /// </summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Use the pod's service account (token and CA mounted by Kubernetes) and nothing else.</summary>
    public bool InCluster { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (InCluster && Kubeconfig is not null)
        {
            errors.Add("in_cluster: cannot be combined with kubeconfig");
        }

        if (Kubeconfig is { Length: 0 })
        {
            errors.Add("kubeconfig: must not be empty");
        }

        if (string.IsNullOrWhiteSpace(Namespace))
        {
            errors.Add("namespace: required");
        }

        if (TailLines <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"tail_lines: must be > 0, got {TailLines}"));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            errors.Add("poll_interval: must be > 0");
        }

        return errors;
    }

    public void EnsureValid()
    {
        ConfigException.ThrowIfInvalid("logs.sources", Validate());
    }
}
