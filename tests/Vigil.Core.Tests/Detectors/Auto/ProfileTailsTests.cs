using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// The isolated-point far tail while the daily profile is the expectation (opt-in <c>profile_tails=1</c>, detect27; with
/// <c>profile_tails_seasoned=1</c>, detect28; docs/detectors.md item 33). Baselines fed the same values learn the same
/// state, so their predictions differ only by the option under test.
/// </summary>
public sealed class ProfileTailsTests
{
    private const int Day = 1440;
    private const long MinuteMs = 60_000;

    [Fact]
    public void TryPredict_SeasonedTails_KeepTheHoltFarTailOnTheProfilesFirstDayAndScaleItOnceADayIsScored()
    {
        // A one-minute request rate (40 at night, 100 at 14:00, σ 2) with a +30 spike every 97 minutes: the spikes are in
        // the Holt forecast's errors, so its far tail is several times its near σ. profile_tails=1 carries that shape to
        // the profile's σ wherever the profile forecasts, on its first forecasting day too, where a bucket's σ comes from
        // one or two scored points; with profile_tails_seasoned=1 the far tail stays the Holt one there (until 23:00 at least)
        // and moves to the profile's σ only where the time of day has a day of scored visits (most of the fourth day).
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.DailyRequestRate(days: 4, seed, missingPeakDay: -1);
            for (var i = 50; i < values.Length; i += 97)
            {
                values[i] += 30;
            }

            var holt = new AutoBaseline(new AutoOptions { ProfileTails = 0 });
            var tails = new AutoBaseline(new AutoOptions { ProfileTails = 1, ProfileTailsSeasoned = false });
            var seasoned = new AutoBaseline(new AutoOptions { ProfileTails = 1, ProfileTailsSeasoned = true });
            int firstDayScaled = 0, firstDaySeasoned = 0, lastDaySeasoned = 0;
            for (var i = 0; i < values.Length; i++)
            {
                var t = Synthetic.StartMs + (i * MinuteMs);
                if (holt.TryPredict(t, out var h) & tails.TryPredict(t, out var p) & seasoned.TryPredict(t, out var s))
                {
                    var day = i / Day;
                    firstDayScaled += day == 1 && p.IsolatedSigmaLow < h.IsolatedSigmaLow ? 1 : 0;
                    // Before 23:00: by the day's end its last buckets have had their day of scored visits.
                    firstDaySeasoned += day == 1 && i % Day < 23 * 60 && s.IsolatedSigmaLow != h.IsolatedSigmaLow ? 1 : 0;
                    lastDaySeasoned += day == 3 && s.IsolatedSigmaLow < h.IsolatedSigmaLow ? 1 : 0;
                }

                holt.Learn(t, values[i]);
                tails.Learn(t, values[i]);
                seasoned.Learn(t, values[i]);
            }

            return firstDayScaled > 0 && firstDaySeasoned == 0 && lastDaySeasoned > Day / 4
                ? null
                : $"seed {seed}: first day scaled {firstDayScaled}, seasoned {firstDaySeasoned}; last day seasoned {lastDaySeasoned}";
        });
    }
}
