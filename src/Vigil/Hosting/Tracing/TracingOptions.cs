namespace Vigil.Hosting.Tracing;

/// <summary>Where spans go. Only OTLP is built in; anything else is a start-up error, not a silent no-op.</summary>
public enum TracingExporter
{
    /// <summary>Tracing off (the default): no tracer provider, no listener, so no span is ever created.</summary>
    None,

    /// <summary>OTLP, configured by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
    Otlp,
}

/// <summary>
/// Tracing, from the standard OpenTelemetry environment variables (docs/tracing.md). On when
/// <c>OTEL_TRACES_EXPORTER=otlp</c>, or when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set and <c>OTEL_TRACES_EXPORTER</c> is not <c>none</c>;
/// <c>OTEL_SDK_DISABLED=true</c> turns it off whatever else is set.
/// </summary>
public sealed record TracingOptions
{
    /// <summary>The variables Vigil reads itself; the OTLP exporter reads these and the other <c>OTEL_*</c> ones.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "OTEL_SDK_DISABLED",
        "OTEL_TRACES_EXPORTER",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_BSP_SCHEDULE_DELAY",
    ];

    /// <summary>The service name on every span unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "vigil";

    public TracingExporter Exporter { get; init; } = TracingExporter.None;

    /// <summary>
    /// The <see cref="Variables"/> that were set, handed to the exporter as configuration: the same values it would
    /// read from the process environment, but also when the environment came from elsewhere (tests, <c>config check</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool Enabled => Exporter != TracingExporter.None;

    /// <summary>Reads the variables; every problem goes to <paramref name="error"/> (variable, message).</summary>
    public static TracingOptions FromEnvironment(Func<string, string?> env, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(error);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Variables)
        {
            if (env(name) is { } value)
            {
                settings[name] = value;
            }
        }

        foreach (var name in (string[])["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
        {
            if (settings.TryGetValue(name, out var endpoint)
                && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                error(name, $"must be an http:// or https:// URL (got '{endpoint}')");
            }
        }

        foreach (var name in (string[])["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"])
        {
            if (settings.TryGetValue(name, out var protocol) && protocol is not ("grpc" or "http/protobuf"))
            {
                error(name, $"must be grpc or http/protobuf (got '{protocol}')");
            }
        }

        var exporter = TracingExporter.None;
        var endpointSet = settings.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || settings.ContainsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        switch (settings.GetValueOrDefault("OTEL_TRACES_EXPORTER")?.ToLowerInvariant())
        {
            case "otlp":
                exporter = TracingExporter.Otlp;
                break;
            case "none":
                break;
            case null:
                exporter = endpointSet ? TracingExporter.Otlp : TracingExporter.None;
                break;
            case var other:
                error("OTEL_TRACES_EXPORTER", $"must be otlp or none (got '{other}'; only OTLP export is built in)");
                break;
        }

        if (settings.GetValueOrDefault("OTEL_SDK_DISABLED") is { } disabled && string.Equals(disabled, "true", StringComparison.OrdinalIgnoreCase))
        {
            exporter = TracingExporter.None;
        }

        return new TracingOptions { Exporter = exporter, Settings = settings };
    }
}
