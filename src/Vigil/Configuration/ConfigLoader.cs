using Vigil.Alerting;
using Vigil.Inspection.Configuration;
using Vigil.Core.Detection;
using Vigil.Logs.Configuration;
using Vigil.Models.Store;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Postgres;
using Vigil.Prometheus;

namespace Vigil.Configuration;

/// <summary>
/// Builds <see cref="VigilOptions"/> from an optional YAML file and the environment, and validates all of it. A
/// dispatcher: each feature's <see cref="IConfigSection"/> reads the keys it owns (in the order below: a section may
/// use the options of those before it); this class parses the file, rejects keys no section owns, and applies the
/// rules that span features (the embedded demo, <c>notify</c> needing alerting). Every error comes with its path.
/// Environment variables of the reference design work on their own for a one-query deployment:
/// PROMETHEUS_URL, PROMQL_QUERY, LISTEN_PORT, SCRAPE_INTERVAL (seconds), MODEL_PATH.
/// </summary>
public sealed class ConfigLoader(DetectorRegistry detectors)
{
    /// <summary>Every feature's section, one line each; a new feature adds its own here.</summary>
    public static IReadOnlyList<IConfigSection> Sections { get; } =
    [
        new ServerSection(),
        new LoggingSection(),
        new PrometheusSection(),
        new ReplaySection(),
        new ModelStoreSection(),
        new JobsSection(),
        new BusinessSection(),
        new AlertingSection(),
        new InspectionConfigSection(),
        new LogsConfigSection(),
        new Vigil.Pipeline.Scheduling.ShardingSection(),
        new Vigil.Export.RemoteWrite.RemoteWriteSection(),
        new Vigil.Pipeline.History.HistorySection(),
        new Vigil.Pipeline.Episodes.EpisodesSection(),
        new Vigil.Hosting.Tracing.TracingSection(),
    ];

    private readonly ConfigDispatcher _dispatcher = new(Sections, detectors);

    /// <summary>The environment variables the sections read, in the order they are reported.</summary>
    public static IReadOnlyList<string> EnvironmentVariables { get; } = [.. Sections.SelectMany(s => s.EnvironmentVariables)];

    /// <summary>Loads and validates; throws <see cref="ConfigException"/> listing every error.</summary>
    public VigilOptions Load(string? path, IReadOnlyDictionary<string, string?> environment)
    {
        var (options, errors) = TryLoad(path, environment);
        return errors.Count > 0 || options is null ? throw new ConfigException(errors) : options;
    }

    public (VigilOptions? Options, IReadOnlyList<string> Errors) TryLoad(string? path, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        if (ConfigDocument.Load(path, errors) is not { } root)
        {
            return (null, errors);
        }

        var context = _dispatcher.Read(root, environment, errors);
        var options = Complete(context, path, errors);
        return (errors.Count == 0 ? options : null, errors);
    }

    /// <summary>The rules that span features, and the mapping of every section's options onto <see cref="VigilOptions"/>.</summary>
    private static VigilOptions Complete(ConfigContext context, string? path, List<string> errors)
    {
        var sections = context.Sections;
        var server = sections.Get<ServerOptions>() ?? new ServerOptions();
        var jobsOptions = sections.Get<JobsOptions>() ?? new JobsOptions();
        var jobs = jobsOptions.Jobs.ToList();
        var business = sections.Get<BusinessOptions>();
        var alerting = sections.Get<AlertingOptions>();
        var isDemo = jobs.Count == 0 && business is null;
        string origin;
        if (isDemo)
        {
            // Nothing to monitor was configured: say so, rather than announcing the demo as if it came from the file.
            jobs.AddRange(ReplayDefaults.Jobs(jobsOptions.DefaultInterval));
            origin = path is null
                ? "embedded demo (no configuration file, no PROMQL_QUERY, no VIGIL_DATABASE)"
                : $"embedded demo ({path} defines no jobs and no business section)";
            if (!server.ListenAddressSet)
            {
                // The no-config demo is a workstation trial: loopback only, so its open write endpoints (feedback
                // buttons) are not open to the network. Containers set listen_address (or a config) explicitly.
                server = server with { ListenAddress = ServerOptions.DemoListenAddress };
            }

            // The demo shows alerting too, with no server: its jobs notify, and alerts are delivered to the log.
            alerting ??= new AlertingOptions { Log = true };
            jobs = [.. jobs.Select(j => j with { Notify = true })];
        }
        else if (path is null)
        {
            // Environment-only: name the variables, so "configuration file" is never announced when there is none.
            origin = $"environment ({string.Join(", ", EnvironmentVariables.Where(name => context.Env(name) is not null))})";
        }
        else
        {
            origin = path;
        }

        var notify = jobs.Where(j => j.Notify).Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        if (notify.Count > 0 && alerting is null)
        {
            errors.AddRange(jobsOptions.Jobs.Select((j, i) => (j, i)).Where(x => x.j.Notify)
                .Select(x => $"jobs[{x.i}].notify: needs an alerting section (where should the alerts go?)"));
        }

        // The demo inspects the replay data unless the file says otherwise (InspectionConfigSection reads it again
        // with the demo's defaults, so the file's keys and the environment flags still apply).
        var inspection = isDemo ? InspectionConfigSection.ReadForDemo(context) : sections.Get<Vigil.Inspection.InspectionOptions>();
        if (inspection is not null)
        {
            errors.AddRange(inspection.Validate(context.Detectors));
            if (inspection.Source == Vigil.Inspection.InspectionSource.Prometheus && sections.Get<PrometheusClientOptions>() is null)
            {
                errors.Add("inspection.source: prometheus needs sources.prometheus (or PROMETHEUS_URL); use source: replay for the demo data");
            }
        }

        return new VigilOptions
        {
            Inspection = inspection,
            Server = server,
            Logging = sections.Get<LoggingOptions>() ?? new LoggingOptions(),
            Prometheus = sections.Get<PrometheusClientOptions>(),
            Replay = sections.Get<ReplayOptions>() ?? new ReplayOptions(),
            Jobs = jobs,
            Business = business,
            ModelPath = sections.Get<ModelStoreOptions>()?.Directory,
            Alerting = alerting is null ? null : alerting with { NotifyJobs = notify },
            Sections = sections,
            Origin = origin,
            IsEmbeddedDemo = isDemo,
        };
    }
}
