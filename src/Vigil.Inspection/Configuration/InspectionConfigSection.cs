using Vigil.Configuration;

namespace Vigil.Inspection.Configuration;

/// <summary>
/// <c>inspection:</c> and its environment flags → <see cref="InspectionOptions"/> (nothing when inspection is off), on
/// the config dispatcher. Parsing is <see cref="InspectionSectionReader"/>'s; validation that needs the other sections
/// (detector types, the Prometheus source) runs in the loader once every section has been read.
/// </summary>
public sealed class InspectionConfigSection : IConfigSection
{
    public IReadOnlyList<string> Keys { get; } = [InspectionSectionReader.SectionName];

    public IReadOnlyList<string> EnvironmentVariables => InspectionSectionReader.EnvironmentVariables;

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (InspectionSectionReader.Read(context.Mapping(InspectionSectionReader.SectionName), Environment(context), context.Reader.Errors) is { } options)
        {
            context.Set(options);
        }
    }

    /// <summary>
    /// The embedded demo's inspection: the replay metrics, with whatever the file and the environment say on top. The
    /// section was already read (and its errors reported) by <see cref="Read"/>, so errors here are not repeated.
    /// </summary>
    public static InspectionOptions? ReadForDemo(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return InspectionSectionReader.Read(context.Mapping(InspectionSectionReader.SectionName), Environment(context), [], InspectionDefaults.Demo);
    }

    private static Dictionary<string, string?> Environment(ConfigContext context)
        => InspectionSectionReader.EnvironmentVariables.ToDictionary(name => name, context.Env, StringComparer.Ordinal);
}
