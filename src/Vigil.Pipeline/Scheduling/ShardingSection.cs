using Vigil.Configuration;

namespace Vigil.Pipeline.Scheduling;

/// <summary>
/// <c>sharding: {count, index}</c> → the <see cref="ShardAssignment"/> of this replica (docs/deployment.md). Without
/// <c>index</c>, the StatefulSet ordinal at the end of <c>HOSTNAME</c> is used, so one manifest serves every replica.
/// <c>VIGIL_SHARD_COUNT</c> / <c>VIGIL_SHARD_INDEX</c> override the keys: a replica's place in the fleet is a property
/// of the pod, not of the config file every replica shares. Nothing is stored without a count: one replica scores
/// everything.
/// </summary>
public sealed class ShardingSection : IConfigSection
{
    public const string Path = "sharding";

    public const string CountVariable = "VIGIL_SHARD_COUNT";

    public const string IndexVariable = "VIGIL_SHARD_INDEX";

    /// <summary>Far above any fleet that makes sense for one Prometheus, low enough to catch a typo.</summary>
    public const int MaxCount = 1024;

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [CountVariable, IndexVariable];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        int? count = null;
        int? index = null;
        if (context.Mapping(Path) is { } map)
        {
            y.RejectUnknown(map, Path, "count", "index");
            count = y.Int(map, Path, "count", 1, MaxCount);
            index = y.Int(map, Path, "index", 0, MaxCount - 1);
            if (!ConfigReader.Has(map, "count"))
            {
                y.Error(Path + ".count", "required (how many replicas share the series)");
            }
        }

        count = EnvInt(context, CountVariable, 1, MaxCount) ?? count;
        index = EnvInt(context, IndexVariable, 0, MaxCount - 1) ?? index;
        if (count is null)
        {
            if (index is not null && context.Mapping(Path) is null)
            {
                y.Error(IndexVariable, $"needs {CountVariable} (or sharding.count)");
            }

            return;
        }

        var (assignment, errors) = new ShardingOptions { Count = count.Value, Index = index }.Resolve(context.Env("HOSTNAME"));
        y.Errors.AddRange(errors);
        if (assignment is not null)
        {
            context.Set(assignment);
        }
    }

    private static int? EnvInt(ConfigContext context, string name, int min, int max)
    {
        if (context.Env(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        context.Reader.Error(name, $"must be an integer in [{min}, {max}], got '{text}'");
        return null;
    }
}
