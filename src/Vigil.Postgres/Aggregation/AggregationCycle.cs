using Vigil.Postgres.Detection;
using Vigil.Postgres.Tracing;

namespace Vigil.Postgres.Aggregation;

/// <summary>Outcome of one cycle: aggregation runs and scoring runs executed, or not leader.</summary>
public sealed record CycleResult(bool IsLeader, int AggregationRuns, int DetectionRuns);

/// <summary>
/// One cycle of the pipeline: confirm or take leadership, aggregate until caught up (bounded transactions),
/// then score the new minutes. The hosted service only calls this on a timer; tests call it directly.
/// </summary>
public sealed class AggregationCycle
{
    private readonly LeaderLease _lease;
    private readonly Aggregator _aggregator;
    private readonly AnomalyScorer _scorer;

    public AggregationCycle(LeaderLease lease, Aggregator aggregator, AnomalyScorer scorer)
    {
        _lease = lease ?? throw new ArgumentNullException(nameof(lease));
        _aggregator = aggregator ?? throw new ArgumentNullException(nameof(aggregator));
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
    }

    public LeaderLease Lease => _lease;

    public async Task<CycleResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var activity = BusinessTracing.Source.StartActivity(BusinessTracing.Cycle);
        var leader = await _lease.TryAcquireOrConfirmAsync(cancellationToken).ConfigureAwait(false);
        activity?.SetTag("vigil.business.leader", leader);
        if (!leader)
        {
            return new CycleResult(false, 0, 0);
        }

        var aggregations = await _aggregator.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        var detections = await _scorer.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return new CycleResult(true, aggregations, detections);
    }
}
