using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Pipeline.Scheduling;

namespace Vigil.Pipeline.Tests.Scheduling;

public sealed class ShardingSectionTests
{
    private static (ShardAssignment? Assignment, IReadOnlyList<string> Errors) Read(string yaml, params (string Name, string Value)[] environment)
    {
        var env = environment.ToDictionary(e => e.Name, e => (string?)e.Value, StringComparer.Ordinal);
        var (sections, errors) = new ConfigDispatcher([new ShardingSection()], DetectorRegistry.CreateDefault()).ReadYaml(yaml, env);
        return (sections.Get<ShardAssignment>(), errors);
    }

    [Fact]
    public void Read_CountAndIndex_ThatShard()
    {
        var (assignment, errors) = Read("sharding: { count: 3, index: 2 }");

        Assert.Empty(errors);
        Assert.Equal((3, 2), (assignment!.Count, assignment.Index));
    }

    [Fact]
    public void Read_NoIndex_OrdinalOfTheStatefulSetHostname()
    {
        var (assignment, errors) = Read("sharding: { count: 3 }", ("HOSTNAME", "vigil-1"));

        Assert.Empty(errors);
        Assert.Equal(1, assignment!.Index);
    }

    [Fact]
    public void Read_NoIndexAndNoOrdinal_ErrorNamesHostname()
    {
        var (assignment, errors) = Read("sharding: { count: 3 }", ("HOSTNAME", "laptop"));

        Assert.Null(assignment);
        Assert.Contains(errors, e => e.StartsWith("sharding.index:", StringComparison.Ordinal) && e.Contains("laptop", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_IndexOutOfRange_Error()
    {
        var (assignment, errors) = Read("sharding: { count: 2, index: 2 }");

        Assert.Null(assignment);
        Assert.Contains(errors, e => e.StartsWith("sharding.index: must be in [0, 1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_MissingCountOrUnknownKey_Errors()
    {
        var (_, errors) = Read("sharding: { index: 0, replicas: 3 }");

        Assert.Contains(errors, e => e.StartsWith("sharding.count: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("replicas", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_Environment_OverridesTheFile()
    {
        var (assignment, errors) = Read("sharding: { count: 2, index: 0 }", ("VIGIL_SHARD_COUNT", "4"), ("VIGIL_SHARD_INDEX", "3"));

        Assert.Empty(errors);
        Assert.Equal((4, 3), (assignment!.Count, assignment.Index));
    }

    [Fact]
    public void Read_EnvironmentAlone_Configures()
    {
        var (assignment, errors) = Read(string.Empty, ("VIGIL_SHARD_COUNT", "2"), ("HOSTNAME", "vigil-0"));

        Assert.Empty(errors);
        Assert.Equal((2, 0), (assignment!.Count, assignment.Index));
    }

    [Fact]
    public void Read_BadEnvironmentValue_ErrorNamesTheVariable()
    {
        var (assignment, errors) = Read(string.Empty, ("VIGIL_SHARD_COUNT", "three"));

        Assert.Null(assignment);
        Assert.Contains(errors, e => e.StartsWith("VIGIL_SHARD_COUNT:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_Absent_OneReplicaScoresEverything()
    {
        var (assignment, errors) = Read(string.Empty, ("HOSTNAME", "vigil-2"));

        Assert.Empty(errors);
        Assert.Null(assignment);
    }
}
