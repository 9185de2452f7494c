using Vigil.Hosting.Tracing;

namespace Vigil.Tests.Hosting.Tracing;

public sealed class TracingOptionsTests
{
    [Theory]
    [InlineData(null, null, null, TracingExporter.None)]
    [InlineData("http://collector:4318", null, null, TracingExporter.Otlp)]
    [InlineData(null, "otlp", null, TracingExporter.Otlp)]
    [InlineData("http://collector:4318", "none", null, TracingExporter.None)]
    [InlineData("http://collector:4318", null, "true", TracingExporter.None)]
    [InlineData(null, "OTLP", "false", TracingExporter.Otlp)]
    public void FromEnvironment_StandardVariables_DecideTheExporter(string? endpoint, string? exporter, string? disabled, TracingExporter expected)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_TRACES_EXPORTER"] = exporter,
            ["OTEL_SDK_DISABLED"] = disabled,
        };
        var errors = new List<string>();

        var options = TracingOptions.FromEnvironment(name => env.GetValueOrDefault(name), (name, message) => errors.Add($"{name}: {message}"));

        Assert.Empty(errors);
        Assert.Equal(expected, options.Exporter);
        Assert.Equal(expected != TracingExporter.None, options.Enabled);
    }

    [Fact]
    public void FromEnvironment_TracesEndpointAlone_TurnsOtlpOnAndKeepsTheSettings()
    {
        var options = TracingOptions.FromEnvironment(
            name => name switch { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" => "https://c/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL" => "http/protobuf", "HOME" => "/root", _ => null },
            (name, message) => Assert.Fail($"{name}: {message}"));

        Assert.Equal(TracingExporter.Otlp, options.Exporter);
        Assert.Equal(
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "https://c/v1/traces", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" },
            options.Settings);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL (got 'collector:4318')")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://c", "OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL: must be grpc or http/protobuf (got 'http/json')")]
    [InlineData("OTEL_TRACES_EXPORTER", "zipkin", "OTEL_TRACES_EXPORTER: must be otlp or none (got 'zipkin'")]
    public void FromEnvironment_BadVariable_IsAnErrorNamingIt(string name, string value, string error)
    {
        var errors = new List<string>();

        TracingOptions.FromEnvironment(n => n == name ? value : null, (n, message) => errors.Add($"{n}: {message}"));

        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigLoader_BadTracingVariable_FailsStartUpWithTheOtherErrors()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal) { ["PROMQL_QUERY"] = "up", ["OTEL_TRACES_EXPORTER"] = "jaeger" };

        var (options, errors) = new Vigil.Configuration.ConfigLoader(Vigil.Pipeline.Jobs.VigilDetectors.ForValidation()).TryLoad(null, env);

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith("OTEL_TRACES_EXPORTER: must be otlp or none", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigLoader_EndpointSet_TracingOptionsAreOtlp()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal) { ["PROMQL_QUERY"] = "up", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318" };

        var options = new Vigil.Configuration.ConfigLoader(Vigil.Pipeline.Jobs.VigilDetectors.ForValidation()).Load(null, env);

        Assert.Equal(TracingExporter.Otlp, options.Sections.Get<TracingOptions>()!.Exporter);
        Assert.StartsWith("environment (PROMQL_QUERY)", options.Origin, StringComparison.Ordinal); // tracing is not what runs
    }
}
