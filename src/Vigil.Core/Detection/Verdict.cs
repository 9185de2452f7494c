namespace Vigil.Core.Detection;

/// <summary>
/// A detector's answer for one point. The score contract is shared by every detector so one alert rule
/// (<c>vigil_anomaly_score &gt; 1</c>) works for all of them: 0 when the value equals <see cref="Expected"/>,
/// 1 at the band edge (<see cref="Lower"/> or <see cref="Upper"/>), above 1 outside the band, growing with the margin.
/// <see cref="Test"/> says which test put the point outside its band (<see cref="AnomalyTest.None"/> inside it).
/// <see cref="Sigma"/> is the scale of normal deviations the detector judged by (its robust σ, the mean of both sides
/// when the band is asymmetric), so a report can say "k σ"; NaN when the detector has none.
/// </summary>
public readonly record struct Verdict(double Score, double Expected, double Lower, double Upper, VerdictKind Kind, AnomalyTest Test = AnomalyTest.None, double Sigma = double.NaN)
{
    public bool IsAnomaly => Kind == VerdictKind.Scored && Score > 1.0;

    public static Verdict Warmup(double expected = double.NaN, double lower = double.NaN, double upper = double.NaN)
        => new(0, expected, lower, upper, VerdictKind.Warmup);

    public static Verdict Invalid { get; } = new(0, double.NaN, double.NaN, double.NaN, VerdictKind.Invalid);
}
