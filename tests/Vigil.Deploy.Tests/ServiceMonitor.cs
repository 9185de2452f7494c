using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Vigil.Deploy.Tests;

// The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1), reduced to the fields our example uses: the
// strict deserializer rejects any other field, so a typo in the example fails the test.
internal sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

internal sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("endpoints")]
    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

internal sealed class ServiceMonitorEndpoint
{
    [JsonPropertyName("port")]
    public string Port { get; set; } = string.Empty;

    [JsonPropertyName("path")]
    public string Path { get; set; } = "/metrics";

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("honorLabels")]
    public bool HonorLabels { get; set; }
}
