namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Per-job readiness for <c>/readyz</c>. A job is ready while its first cycle runs (start-up, warm-up) and afterwards
/// as long as it has succeeded at least once and fewer than <see cref="MaxConsecutiveFailures"/> cycles in a row have
/// failed. So a job whose every cycle fails (bad query, Prometheus unreachable) is never reported ready, and one that
/// starts failing stops being ready after a few intervals rather than at the first transient error.
/// </summary>
public static class JobReadiness
{
    /// <summary>Failed cycles in a row after which a job that once succeeded is no longer ready.</summary>
    public const int MaxConsecutiveFailures = 3;

    public static (bool Ready, string State) Evaluate(long completedCycles, bool inProgress, long successfulCycles, int consecutiveFailures)
    {
        if (completedCycles == 0)
        {
            return inProgress ? (true, "first_cycle_running") : (false, "waiting_for_first_cycle");
        }

        if (successfulCycles == 0)
        {
            return (false, "every_cycle_failed");
        }

        return consecutiveFailures >= MaxConsecutiveFailures ? (false, "failing") : (true, "ok");
    }
}
