using System.Collections.Concurrent;
using Vigil.Core.Series;
using Vigil.Exposition;

namespace Vigil.Pipeline.Telemetry;

/// <summary>
/// <c>vigil_errors_total{error_type, job}</c>: <c>job</c> is set where the error belongs to a detection job and left out
/// otherwise (an empty label is no label to Prometheus, so it is not written). Every catalogued type is exported at 0
/// from the start, and every per-job type at 0 for each job as it is created (<see cref="AddJob"/>), so
/// <c>rate()</c> sees the first increment instead of a series that appears already at 1.
/// </summary>
public sealed class ErrorCounters : IMetricCollector
{
    public const string MetricName = "vigil_errors_total";

    private readonly ConcurrentDictionary<(string Type, string Job), StrongBox> _counts = new();

    public ErrorCounters()
    {
        foreach (var type in ErrorTypes.All)
        {
            _ = Get(type, string.Empty);
        }
    }

    /// <summary>The help text: every catalogued value, so <c>/metrics</c> documents itself.</summary>
    public static string Help => "Errors by type (job set where the error belongs to a job): " + string.Join(", ", ErrorTypes.All) + ".";

    /// <summary>Counts one error; <paramref name="job"/> when it belongs to a job (null or empty: none).</summary>
    public void Count(string errorType, string? job = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        Interlocked.Increment(ref Get(errorType, job ?? string.Empty).Value);
    }

    /// <summary>Exports the per-job error types of <paramref name="job"/> at 0.</summary>
    public void AddJob(string job)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        foreach (var type in ErrorTypes.PerJob)
        {
            _ = Get(type, job);
        }
    }

    /// <summary>Errors of one type with exactly this job (null: those without a job).</summary>
    public double Value(string errorType, string? job = null)
        => _counts.TryGetValue((errorType, job ?? string.Empty), out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Errors of one type over every job and none.</summary>
    public double Total(string errorType)
        => _counts.Where(p => p.Key.Type == errorType).Sum(p => (double)Interlocked.Read(ref p.Value.Value));

    /// <summary>The total of one type over every job and none (<see cref="Total"/>), for callers that do not care about the job.</summary>
    public ErrorCount WithLabels(string errorType) => new(Total(errorType));

    /// <summary>The (type, job) pairs exported, job empty when none.</summary>
    public IReadOnlyCollection<(string Type, string Job)> Exported => [.. _counts.Keys];

    public void Collect(ExpositionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteHeader(MetricName, Help, MetricType.Counter);
        Span<Label> labels = new Label[2];
        foreach (var ((type, job), box) in _counts.OrderBy(p => Order(p.Key.Type)).ThenBy(p => p.Key.Type, StringComparer.Ordinal).ThenBy(p => p.Key.Job, StringComparer.Ordinal))
        {
            labels[0] = new Label("error_type", type);
            var count = 1;
            if (job.Length > 0)
            {
                labels[1] = new Label("job", job);
                count = 2;
            }

            writer.WriteSample(MetricName, labels[..count], Interlocked.Read(ref box.Value));
        }
    }

    private static int Order(string type)
    {
        var index = ErrorTypes.IndexOf(type);
        return index < 0 ? int.MaxValue : index;
    }

    private StrongBox Get(string type, string job) => _counts.GetOrAdd((type, job), static _ => new StrongBox());

    private sealed class StrongBox
    {
        public long Value;
    }
}

/// <summary>A read of <see cref="ErrorCounters"/>: the count of one error type.</summary>
public readonly record struct ErrorCount(double Value);
