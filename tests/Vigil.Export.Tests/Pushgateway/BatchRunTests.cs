using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Export.Pushgateway;

namespace Vigil.Export.Tests.Pushgateway;

public sealed class BatchRunTests
{
    [Fact]
    public async Task SuccessPayload_HasResultsOutcomeAndProcessMetrics_AndPassesPromtool()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var run = new BatchRun("detect", time);
        run.Record("vigil_batch_rows", "Input rows by status.", "status", [KeyValuePair.Create("ok", 10.0), KeyValuePair.Create("duplicate", 2.0)]);
        time.Advance(TimeSpan.FromSeconds(42));

        var text = Encoding.UTF8.GetString(run.SuccessPayload(0));

        Assert.Contains("vigil_batch_rows{status=\"duplicate\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"vigil_batch_last_success_timestamp_seconds {time.GetUtcNow().ToUnixTimeSeconds()}\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_batch_duration_seconds 42\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_batch_info{command=\"detect\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("failure", text, StringComparison.Ordinal);
        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", text, "check", "metrics");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void FailurePayload_CarriesOnlyTheFailure()
    {
        var run = new BatchRun("train", TimeProvider.System);
        run.Record("vigil_batch_anomalies", "Points that scored above 1.", 4);

        var text = Encoding.UTF8.GetString(run.FailurePayload(1));

        Assert.Contains("vigil_batch_last_failure_timestamp_seconds ", text, StringComparison.Ordinal);
        Assert.Contains("vigil_batch_last_failure_exit_code 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("success", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vigil_batch_anomalies", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_FlowsWithTheAsyncCallAndNotToOtherFlows()
    {
        var run = new BatchRun("detect", TimeProvider.System);
        BatchRun? seenInside = null, seenElsewhere = null;
        var elsewhere = Task.Run(async () =>
        {
            await Task.Yield();
            seenElsewhere = BatchRun.Current;
        });

        BatchRun.Current = run;
        try
        {
            await Task.Run(() => seenInside = BatchRun.Current);
        }
        finally
        {
            BatchRun.Current = null;
        }

        await elsewhere;
        Assert.Same(run, seenInside);
        Assert.Null(seenElsewhere);
    }
}
