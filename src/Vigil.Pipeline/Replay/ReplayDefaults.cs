using Vigil.Pipeline.Jobs;

namespace Vigil.Pipeline.Replay;

/// <summary>The jobs `vigil run` executes when nothing is configured: the demo a new user sees first.</summary>
public static class ReplayDefaults
{
    public static IEnumerable<JobOptions> Jobs(TimeSpan? interval)
    {
        var every = interval ?? JobOptions.DefaultInterval;
        yield return new JobOptions { Name = "replay-requests", Query = "replay_http_requests_per_second", Source = JobSource.Replay, Interval = every };
        yield return new JobOptions { Name = "replay-latency", Query = "replay_latency_p99_seconds", Source = JobSource.Replay, Interval = every };
        yield return new JobOptions { Name = "replay-queue", Query = "replay_queue_depth", Source = JobSource.Replay, Interval = every };
    }
}
