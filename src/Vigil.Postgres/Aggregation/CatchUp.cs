namespace Vigil.Postgres.Aggregation;

/// <summary>
/// The catch-up loop the aggregator and the scorer share: each run handles a bounded batch in one transaction (so a
/// backlog of days never holds one long transaction or lock), and the loop repeats runs until one reports it is caught up.
/// </summary>
internal static class CatchUp
{
    /// <summary>Calls <paramref name="runOnce"/> until it returns true (caught up); returns the number of runs.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<bool>> runOnce, CancellationToken cancellationToken)
    {
        var runs = 0;
        while (true)
        {
            runs++;
            if (await runOnce(cancellationToken).ConfigureAwait(false))
            {
                return runs;
            }
        }
    }
}
