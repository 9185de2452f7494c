using System.Globalization;
using Vigil.Alerting;
using Vigil.Logs.Mining;

namespace Vigil.Inspection.Sensors;

/// <summary>A template a log miner created (a log line unlike any seen before), as the log-patterns sensor receives it.</summary>
public sealed record NewLogTemplate(string TemplateId, string Text, string Source, DateTimeOffset FirstSeen);

/// <summary>
/// Where the log-patterns sensor learns about new templates: the seam between log mining (Vigil.Logs) and inspection.
/// <see cref="DrainAsync"/> returns the templates created since the previous call (each at most once per source).
/// </summary>
public interface INewTemplateSource
{
    ValueTask<IReadOnlyList<NewLogTemplate>> DrainAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Adapts a <see cref="TemplateMiner"/> to <see cref="INewTemplateSource"/>: lines go through <see cref="Observe"/>, and
/// each <see cref="MineOutcome.Created"/> is queued (bounded: the oldest are dropped past <see cref="Capacity"/>).
/// </summary>
public sealed class MinedTemplateFeed(TemplateMiner miner, string source, TimeProvider clock) : INewTemplateSource
{
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<NewLogTemplate> _created = new();

    /// <summary>New templates dropped because nobody drained the queue in time.</summary>
    public long Dropped { get; private set; }

    /// <summary>Mines one line; the miner is not thread-safe, so lines are serialised here.</summary>
    public MineResult Observe(ReadOnlySpan<char> line)
    {
        lock (_gate)
        {
            var result = miner.Add(line);
            if (result.Outcome == MineOutcome.Created)
            {
                if (_created.Count == Capacity)
                {
                    _created.Dequeue();
                    Dropped++;
                }

                _created.Enqueue(new NewLogTemplate(result.Template.Id.ToString(CultureInfo.InvariantCulture), result.Template.Text, source, clock.GetUtcNow()));
            }

            return result;
        }
    }

    public ValueTask<IReadOnlyList<NewLogTemplate>> DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<NewLogTemplate> drained = [.. _created];
            _created.Clear();
            return ValueTask.FromResult(drained);
        }
    }
}

/// <summary>
/// The log-patterns sensor: new templates from every registered <see cref="INewTemplateSource"/>, reported once per
/// (source, template id) for the life of the process (a template is "new" once; the alert dedup window then covers
/// replicas and restarts). With no source registered it inspects nothing and says so in the report.
/// </summary>
internal sealed class LogPatternSensor(IEnumerable<INewTemplateSource> sources, InspectionOptions options) : IInspectionSensor
{
    public const string SensorName = "log_patterns";
    public const string AlertName = "VigilNewLogPattern";

    /// <summary>Remembered ids; past this the oldest are forgotten (a forgotten one is still deduplicated by the alert window).</summary>
    internal const int MaxRemembered = 100_000;

    private readonly INewTemplateSource[] _sources = [.. sources];
    private readonly HashSet<(string Source, string Id)> _seen = [];
    private readonly Queue<(string Source, string Id)> _order = new();

    public string Name => SensorName;

    public bool Enabled => options.LogPatterns.Enabled;

    public TimeSpan Timeout => options.LogPatterns.Timeout;

    public bool HasSources => _sources.Length > 0;

    public async Task<SensorResult> InspectAsync(InspectionContext context, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var inspected = 0;
        foreach (var source in _sources)
        {
            foreach (var template in await source.DrainAsync(cancellationToken).ConfigureAwait(false))
            {
                inspected++;
                if (!Remember((template.Source, template.TemplateId)))
                {
                    continue;
                }

                var text = template.Text.Length > 200 ? template.Text[..200] + "…" : template.Text;
                findings.Add(new Finding
                {
                    Sensor = SensorName,
                    AlertName = AlertName,
                    Subject = template.Source,
                    Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["log_source"] = template.Source, ["template_id"] = template.TemplateId },
                    Severity = AlertSeverity.Warning,
                    Summary = $"New log pattern in {template.Source}: {text}",
                    Description = string.Create(CultureInfo.InvariantCulture, $"Template {template.TemplateId} of {template.Source}, first seen {template.FirstSeen:O}: {template.Text}"),
                    Facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["template"] = template.Text, ["first_seen"] = template.FirstSeen.ToString("O", CultureInfo.InvariantCulture) },
                });
            }
        }

        return new SensorResult(findings, inspected, []);
    }

    private bool Remember((string Source, string Id) key)
    {
        lock (_seen)
        {
            if (!_seen.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > MaxRemembered)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}

/// <summary>
/// The log service's new templates (<see cref="Vigil.Logs.Service.NewTemplateFeed"/>, filled by every <c>logs:</c>
/// source) as an <see cref="INewTemplateSource"/>: without a <c>logs:</c> section there is no feed and nothing is new.
/// </summary>
internal sealed class LogServiceTemplateSource(Vigil.Logs.Service.NewTemplateFeed? feed) : INewTemplateSource
{
    public ValueTask<IReadOnlyList<NewLogTemplate>> DrainAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyList<NewLogTemplate>>(feed is null
            ? []
            : [.. feed.Drain().Select(t => new NewLogTemplate(t.TemplateId.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Text, t.Source, t.FirstSeen))]);
}
