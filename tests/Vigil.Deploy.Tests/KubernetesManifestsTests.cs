using k8s;
using k8s.Models;

namespace Vigil.Deploy.Tests;

/// <summary>
/// The manifests in deploy/kubernetes, read by the official Kubernetes client in strict mode (a misspelt or misplaced
/// field is an error, as it is for <c>kubectl apply --validate=strict</c>), and the invariants a deployment relies on.
/// </summary>
public sealed class KubernetesManifestsTests
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/Service"] = typeof(V1Service),
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
    };

    public static TheoryData<string> ManifestFiles() => [.. ManifestNames()];

    /// <summary>Every manifest file (kustomization.yaml is kustomize's, not a Kubernetes object).</summary>
    private static IEnumerable<string> ManifestNames()
        => Directory.GetFiles(Repository.Path("deploy", "kubernetes"), "*.yaml")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Manifest_LoadsStrictlyAsKubernetesObjects(string file)
    {
        var objects = Load(file);

        Assert.NotEmpty(objects);
        Assert.All(objects, o =>
        {
            // Every object lives in the vigil namespace (the Namespace object is it).
            var meta = ((IMetadata<V1ObjectMeta>)o).Metadata;
            Assert.Equal("vigil", o is V1Namespace ? meta.Name : meta.NamespaceProperty);
        });
    }

    [Fact]
    public void Kustomization_ListsEveryManifestButTheExamples()
    {
        var kustomization = File.ReadAllText(Repository.Path("deploy", "kubernetes", "kustomization.yaml"));
        var listed = kustomization.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]).ToHashSet(StringComparer.Ordinal);

        var expected = ManifestNames().Where(f => f is not "secret.example.yaml" and not "servicemonitor.yaml");
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StatefulSet_RunsNonRootReadOnlyWithProbesAndAStateVolumePerPod()
    {
        var set = Assert.Single(Load("statefulset.yaml").OfType<V1StatefulSet>());
        var pod = set.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.NotNull(container.Resources.Requests);
        Assert.True(container.Resources.Limits.ContainsKey("memory"));

        // The state dir is a volume claim per pod, mounted where the image and the config put state.
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        var stateMount = Assert.Single(container.VolumeMounts, m => m.Name == claim.Metadata.Name);
        Assert.Equal("/var/lib/vigil", stateMount.MountPath);
        var config = Assert.Single(Load("configmap.yaml").OfType<V1ConfigMap>());
        Assert.Contains("state_dir: /var/lib/vigil", config.Data["vigil.yaml"], StringComparison.Ordinal);
        Assert.Contains("VIGIL_STATE_DIR=/var/lib/vigil", File.ReadAllText(Repository.Path("Dockerfile")), StringComparison.Ordinal);

        // The config mount serves the ConfigMap at the path the container's arguments name.
        var configVolume = Assert.Single(pod.Volumes, v => v.ConfigMap?.Name == config.Metadata.Name);
        var configMount = Assert.Single(container.VolumeMounts, m => m.Name == configVolume.Name);
        Assert.Contains(configMount.MountPath + "/vigil.yaml", container.Args);

        // The uid the pod runs as is the one the image creates and owns the state dir with.
        Assert.Contains($"ARG VIGIL_UID={pod.SecurityContext.RunAsUser}", File.ReadAllText(Repository.Path("Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceAndMonitors_SelectTheStatefulSetPodsAndScrapeThePortWithHonorLabels()
    {
        var set = Assert.Single(Load("statefulset.yaml").OfType<V1StatefulSet>());
        var service = Assert.Single(Load("service.yaml").OfType<V1Service>());
        var budget = Assert.Single(Load("poddisruptionbudget.yaml").OfType<V1PodDisruptionBudget>());
        var monitor = Assert.Single(Load("servicemonitor.yaml").OfType<ServiceMonitor>());
        var podLabels = set.Spec.Template.Metadata.Labels;

        Assert.Equal(set.Spec.ServiceName, service.Metadata.Name);
        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, podLabels[kv.Key]));
        Assert.All(budget.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, podLabels[kv.Key]));
        Assert.All(monitor.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, service.Metadata.Labels[kv.Key]));
        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        Assert.Contains(service.Spec.Ports, p => p.Name == endpoint.Port);
        Assert.True(endpoint.HonorLabels);
    }

    private static List<object> Load(string file)
        => [.. KubernetesYaml.LoadAllFromString(File.ReadAllText(Repository.Path("deploy", "kubernetes", file)), Types, strict: true)];
}
