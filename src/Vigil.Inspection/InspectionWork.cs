using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Scheduling;

namespace Vigil.Inspection;

/// <summary>Inspection rounds as scheduled work: a thin loop item; the round lives in <see cref="Inspector"/>.</summary>
internal sealed class InspectionWork(Inspector inspector, InspectionOptions options, InspectionClocks clocks, BaselineRetrainer? retrainer = null) : IScheduledWork
{
    public string Name => "inspection";

    public TimeSpan Interval => options.Interval;

    /// <summary>The data clock: the replay's accelerated clock in the demo, so a 5m interval is 5 s of real time there.</summary>
    public TimeProvider? Clock => clocks.Data;

    public Task RunAsync(CancellationToken cancellationToken) => inspector.RunRoundAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (retrainer is not null)
        {
            await retrainer.StopAsync().ConfigureAwait(false);
        }
    }
}
