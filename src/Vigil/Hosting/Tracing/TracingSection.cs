using Vigil.Configuration;

namespace Vigil.Hosting.Tracing;

/// <summary>
/// The tracing settings → <see cref="TracingOptions"/> (always stored). They are the standard OpenTelemetry
/// environment variables only, no YAML: every OpenTelemetry deployment already sets them, and the OTLP exporter reads
/// them itself. Not listed in <see cref="EnvironmentVariables"/>: they do not configure what Vigil monitors, so they
/// must not make a run look "configured from the environment".
/// </summary>
public sealed class TracingSection : IConfigSection
{
    public IReadOnlyList<string> Keys { get; } = [];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Set(TracingOptions.FromEnvironment(context.Env, context.Reader.Error));
    }
}
