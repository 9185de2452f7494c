using System.Buffers;
using Vigil.Exposition;

namespace Vigil.Export.Pushgateway;

/// <summary>
/// The results of one batch command (detect, backtest, train, bench, events import), rendered for the Pushgateway.
/// Commands record their figures into <see cref="Results"/>; the run adds its outcome:
/// <list type="bullet">
/// <item>on success, everything is pushed with PUT (replacing the group), including
/// <c>vigil_batch_last_success_timestamp_seconds</c>, the duration and the process' own metrics;</item>
/// <item>on failure, only <c>vigil_batch_last_failure_timestamp_seconds</c> is pushed with POST, so the last
/// successful run's results and timestamp stay visible next to it (a PUT would erase exactly the signal that
/// "the last success is getting old" alerts need).</item>
/// </list>
/// </summary>
public sealed class BatchRun
{
    private static readonly AsyncLocal<BatchRun?> Ambient = new();

    public BatchRun(string command, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Command = command;
        Time = time;
        StartedAt = time.GetUtcNow();
        Results = new MetricRegistry();
    }

    /// <summary>
    /// The run of the command executing on this async flow, if its results are to be pushed. Ambient, so commands need
    /// no extra parameter for an optional concern; a command records into it only when it is set.
    /// </summary>
    public static BatchRun? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    public string Command { get; }

    public TimeProvider Time { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The command's own figures (points scored, anomalies, NAB score, rows imported, ...).</summary>
    public MetricRegistry Results { get; }

    /// <summary>Records one figure as a gauge of the run (the registry rejects a name registered twice).</summary>
    public void Record(string name, string help, double value) => Results.CreateGauge(name, help).Unlabelled.Set(value);

    /// <summary>Records one figure per label value, e.g. rows by status.</summary>
    public void Record(string name, string help, string labelName, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var family = Results.CreateGauge(name, help, labelName);
        foreach (var (label, value) in values)
        {
            family.WithLabels(label).Set(value);
        }
    }

    /// <summary>The success payload: results, outcome, duration and process metrics.</summary>
    public byte[] SuccessPayload(int exitCode)
    {
        var now = Time.GetUtcNow();
        var outcome = new MetricRegistry();
        outcome.CreateGauge("vigil_batch_last_success_timestamp_seconds", "Unix time the batch command last completed successfully.")
            .Unlabelled.Set(now.ToUnixTimeMilliseconds() / 1000.0);
        outcome.CreateGauge("vigil_batch_duration_seconds", "Wall time of the last successful run.")
            .Unlabelled.Set((now - StartedAt).TotalSeconds);
        outcome.CreateGauge("vigil_batch_exit_code", "Exit code of the last successful run (0).").Unlabelled.Set(exitCode);
        outcome.CreateGauge("vigil_batch_info", "The command this group's results come from.", "command").WithLabels(Command).Set(1);
        outcome.Register(new ProcessMetricsCollector());
        return Render(Results, outcome);
    }

    /// <summary>The failure payload: the failure time and exit code only (pushed with POST, see the class comment).</summary>
    public byte[] FailurePayload(int exitCode)
    {
        var outcome = new MetricRegistry();
        outcome.CreateGauge("vigil_batch_last_failure_timestamp_seconds", "Unix time the batch command last failed.")
            .Unlabelled.Set(Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        outcome.CreateGauge("vigil_batch_last_failure_exit_code", "Exit code of the last failed run.").Unlabelled.Set(exitCode);
        return Render(outcome);
    }

    private static byte[] Render(params MetricRegistry[] registries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var registry in registries)
        {
            registry.WriteTo(buffer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
