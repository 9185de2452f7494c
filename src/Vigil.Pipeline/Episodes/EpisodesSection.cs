using Vigil.Configuration;

namespace Vigil.Pipeline.Episodes;

/// <summary><c>episodes</c> → <see cref="EpisodeOptions"/>: how many episode lines a job's cycle logs one by one (stored only when present).</summary>
public sealed class EpisodesSection : IConfigSection
{
    public const string Path = "episodes";

    /// <summary>Above this the limit is no limit at 100k series; a bigger number is more likely a typo.</summary>
    public const int MaxLogLinesPerCycle = 1_000_000;

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Mapping(Path) is not { } map)
        {
            return;
        }

        var y = context.Reader;
        y.RejectUnknown(map, Path, "log_lines_per_cycle");
        context.Set(new EpisodeOptions
        {
            LogLinesPerCycle = y.Int(map, Path, "log_lines_per_cycle", 0, MaxLogLinesPerCycle) ?? EpisodeOptions.DefaultLogLinesPerCycle,
        });
    }
}
