using System.Globalization;
using Npgsql;
using Vigil.Configuration;
using YamlDotNet.RepresentationModel;

namespace Vigil.Postgres;

/// <summary>The business-metrics pipeline of the configuration: its database and its options.</summary>
public sealed record BusinessOptions
{
    /// <summary>Npgsql connection string (<c>business.database</c> or <c>VIGIL_DATABASE</c>).</summary>
    public required string ConnectionString { get; init; }

    public required BusinessMetricsOptions Pipeline { get; init; }

    /// <summary>One line for `config check` and the start-up log: host and database only (the connection string may hold a password).</summary>
    public string Describe()
    {
        var database = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"the business-metrics pipeline on PostgreSQL {database.Host}/{database.Database}: POST /api/v1/events, aggregation every {Duration.Format(Pipeline.Aggregation.Interval)}";
    }
}

/// <summary><c>business:</c> and <c>VIGIL_DATABASE</c> → <see cref="BusinessOptions"/>; nothing when neither is set.</summary>
public sealed class BusinessSection : IConfigSection
{
    public const string Path = "business";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = ["VIGIL_DATABASE"];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var errors = y.Errors;
        var map = context.Mapping(Path);
        var envDatabase = context.Env("VIGIL_DATABASE");
        if (map is null && envDatabase is null)
        {
            return;
        }

        const string path = Path;
        map ??= new YamlMappingNode();
        y.RejectUnknown(map, path, "database", "migrate_on_startup", "ingest", "aggregation", "detector");
        var database = envDatabase ?? y.String(map, path, "database", required: true) ?? string.Empty;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(database);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{(envDatabase is null ? "business.database" : "VIGIL_DATABASE")}: not a valid connection string ({ex.Message})");
        }

        var pipeline = new BusinessMetricsOptions
        {
            MigrateOnStartup = y.Bool(map, path, "migrate_on_startup") ?? true,
        };
        if (y.Mapping(map, path, "ingest") is { } ingest)
        {
            const string p = "business.ingest";
            y.RejectUnknown(ingest, p, "bearer_token", "max_body_bytes", "max_payload_bytes", "max_events_per_request", "max_future_skew", "retention");
            var i = pipeline.Ingest;
            pipeline = pipeline with
            {
                Ingest = i with
                {
                    BearerToken = y.String(ingest, p, "bearer_token") ?? i.BearerToken,
                    MaxBodyBytes = y.Int(ingest, p, "max_body_bytes", 1024, int.MaxValue) ?? i.MaxBodyBytes,
                    MaxPayloadBytes = y.Int(ingest, p, "max_payload_bytes", 2, int.MaxValue) ?? i.MaxPayloadBytes,
                    MaxEventsPerRequest = y.Int(ingest, p, "max_events_per_request", 1, int.MaxValue) ?? i.MaxEventsPerRequest,
                    MaxFutureSkew = y.Duration(ingest, p, "max_future_skew", TimeSpan.Zero, TimeSpan.FromDays(7)) ?? i.MaxFutureSkew,
                    Retention = y.Duration(ingest, p, "retention", TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)) ?? i.Retention,
                },
            };
        }

        if (y.Mapping(map, path, "aggregation") is { } aggregation)
        {
            const string p = "business.aggregation";
            y.RejectUnknown(aggregation, p, "enabled", "interval", "settle_delay", "allowed_lateness", "start_at", "event_types", "sum_fields");
            var a = pipeline.Aggregation;
            var startAt = a.StartAt;
            if (y.String(aggregation, p, "start_at") is { } startText)
            {
                if (DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    startAt = parsed;
                }
                else
                {
                    errors.Add($"{p}.start_at: '{startText}' is not an ISO-8601 time");
                }
            }

            pipeline = pipeline with
            {
                Aggregation = a with
                {
                    Enabled = y.Bool(aggregation, p, "enabled") ?? a.Enabled,
                    Interval = y.Duration(aggregation, p, "interval", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? a.Interval,
                    SettleDelay = y.Duration(aggregation, p, "settle_delay", TimeSpan.Zero, TimeSpan.FromHours(1)) ?? a.SettleDelay,
                    AllowedLateness = y.Duration(aggregation, p, "allowed_lateness", TimeSpan.Zero, TimeSpan.FromDays(30)) ?? a.AllowedLateness,
                    StartAt = startAt,
                    EventTypes = y.Sequence(aggregation, p, "event_types") is { } types
                        ? [.. types.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty)]
                        : a.EventTypes,
                    SumFields = y.Mapping(aggregation, p, "sum_fields") is { } sums
                        ? sums.Children.ToDictionary(
                            kv => ((YamlScalarNode)kv.Key).Value ?? string.Empty,
                            kv => (kv.Value as YamlScalarNode)?.Value ?? string.Empty,
                            StringComparer.Ordinal)
                        : a.SumFields,
                },
            };
        }

        if (y.Mapping(map, path, "detector") is not null)
        {
            pipeline = pipeline with { Detector = DetectorSpecReader.Read(y, map, path, context.Detectors) };
        }

        // The detector was validated as it was read, with its path; the pipeline checks the rest.
        errors.AddRange(pipeline.Validate(context.Detectors).Where(e => !e.StartsWith("detector.", StringComparison.Ordinal)).Select(e => $"{path}.{e}"));
        context.Set(new BusinessOptions { ConnectionString = database, Pipeline = pipeline });
    }
}
