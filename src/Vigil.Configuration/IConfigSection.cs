namespace Vigil.Configuration;

/// <summary>
/// One feature's part of the configuration: the keys it owns, the environment variables it reads, and how it turns
/// them into that feature's options. The config loader is only a dispatcher: it parses the file, rejects keys no
/// section owns, runs the sections in registration order and applies the rules that span sections. A new feature
/// (inspection, logs, …) plugs in with its own section and one registration line.
/// </summary>
public interface IConfigSection
{
    /// <summary>
    /// The dotted paths of the keys this section owns, e.g. <c>alerting</c> and <c>redis</c>, or
    /// <c>sources.prometheus</c> (the loader then owns <c>sources</c> and checks its other keys).
    /// </summary>
    IReadOnlyList<string> Keys { get; }

    /// <summary>Environment variables this section reads (they are named when the configuration comes from them).</summary>
    IReadOnlyList<string> EnvironmentVariables { get; }

    /// <summary>
    /// Reads the section from <paramref name="context"/> and stores the options with <see cref="ConfigContext.Set{T}"/>
    /// (nothing when the feature is not configured). Every problem goes to <see cref="ConfigContext.Reader"/> with its
    /// path; reading continues after an error, so all of them are reported at once.
    /// </summary>
    void Read(ConfigContext context);
}
