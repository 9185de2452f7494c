using Vigil.Configuration;

namespace Vigil.Pipeline.Replay;

/// <summary><c>sources.replay</c> → <see cref="ReplayOptions"/> (always stored: the embedded demo needs one even when the section is absent).</summary>
public sealed class ReplaySection : IConfigSection
{
    public const string Path = "sources.replay";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var defaults = new ReplayOptions();
        if (context.Mapping(Path) is not { } map)
        {
            context.Set(defaults);
            return;
        }

        var y = context.Reader;
        y.RejectUnknown(map, Path, "speed", "seed");
        context.Set(new ReplayOptions
        {
            Speed = y.Double(map, Path, "speed", ReplayOptions.MinSpeed, ReplayOptions.MaxSpeed) ?? defaults.Speed,
            Seed = y.Int(map, Path, "seed", int.MinValue, int.MaxValue) ?? defaults.Seed,
        });
    }
}
