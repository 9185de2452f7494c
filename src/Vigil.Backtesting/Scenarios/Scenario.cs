namespace Vigil.Backtesting.Scenarios;

/// <summary>One injected incident: points [<see cref="Start"/>, <see cref="End"/>) of its series (indexes, end exclusive).</summary>
/// <param name="Kind">What was injected.</param>
/// <param name="Start">First affected point.</param>
/// <param name="End">First point after the incident (for a level shift, the series' length: it never ends).</param>
/// <param name="Magnitude">Factor on the level (step, drop, ramp peak, level shift, spike) or on the noise (variance burst); 0 for a missing peak.</param>
public sealed record ScenarioIncident(IncidentKind Kind, int Start, int End, double Magnitude)
{
    public int Length => End - Start;

    public bool Contains(int index) => index >= Start && index < End;
}

/// <summary>
/// One generated series: one-minute steps, its injected incidents, and nothing else. The first
/// <see cref="ScenarioGenerator.HistoryPoints"/> points hold no incident: they warm the detector as the live loop's
/// history query would, and are not evaluated.
/// </summary>
public sealed record Scenario(string Name, SeriesKind Kind, int Index, long[] TimestampsMs, double[] Values, IReadOnlyList<ScenarioIncident> Incidents)
{
    public int Count => Values.Length;
}
