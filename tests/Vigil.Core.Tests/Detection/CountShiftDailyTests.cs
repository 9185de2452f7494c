using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The count shift test on counts with a day and in early life (docs/detectors.md, <c>auto</c> item 15): the seasonal
/// context does not forgive a drop the test has evidence of, <c>count_shift_hours</c> judges drops before the day is
/// known against what the series showed at that hour, and <c>count_shift_rises</c> with <c>count_shift_rise_clip</c>
/// bounds each point's rise evidence. Series at one-minute steps from 2024-01-01 00:00 UTC, seeded; failures print the
/// seed and the figures.
/// </summary>
public sealed class CountShiftDailyTests
{
    private const int Day = 1440;

    /// <summary>
    /// Business events a minute: near zero at night, a midday peak of <paramref name="peak"/> at 13:00 (the scenario
    /// suite's shape), × <paramref name="factor"/> on [<paramref name="from"/>, <paramref name="to"/>).
    /// </summary>
    private static double[] Business(int n, double peak, int from, int to, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var d = ((i % Day / 60.0) - 13) / 3;
            var level = peak * (0.08 + (0.92 * Math.Exp(-0.5 * d * d)));
            values[i] = Synthetic.Poisson(random, i >= from && i < to ? factor * level : level);
        }

        return values;
    }

    /// <summary>Minutes from <paramref name="from"/> to the first point above 1 (−1: none), and how many of the points after the first five score above 1.</summary>
    private static (int Onset, int Held, int Judged) Incident(Verdict[] verdicts, int from, int length)
    {
        var onset = Array.FindIndex(verdicts, from, length, v => v.IsAnomaly);
        var judged = length - 5;
        var held = verdicts.Skip(from + 5).Take(judged).Count(v => v.IsAnomaly);
        return (onset < 0 ? -1 : onset - from, held, judged);
    }

    private static IDetector Auto(params (string Key, string Value)[] parameters) => Synthetic.Create("auto", parameters);

    [Fact]
    public void Observe_BusinessCountDropsToAThirdAtMidday_FlaggedWithinFifteenMinutes()
    {
        // The scenario suite's business-count level shift: ~22 orders a minute at noon on day 4 fall to 0.36×. The count
        // test has the evidence within minutes; last season's noisy midday (the seasonal context, about single values)
        // must not forgive it, or the alarm comes half an hour late and its adapt_after rebaseline falls after the
        // moment the operator expects the new level to be quiet.
        const int from = (3 * Day) + (12 * 60);
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(from + 120, 25, from, int.MaxValue, 0.36, seed);
            var (onset, held, judged) = Incident(Synthetic.RunMinutes(Auto(), values), from, 120);
            return onset < 0 || onset > 15 || held < 0.8 * judged
                ? $"seed {seed}: onset {onset} min, held {held}/{judged}"
                : null;
        });
    }

    [Fact]
    public void Observe_DropBeforeTheDayIsKnownWithCountShiftHours_FlaggedAndHeld()
    {
        // A count of 3 a minute drops to 0.34× for 3.5 hours, 32 hours into the series (the scenario suite's
        // poisson_count_0 on its second day): with count_shift_hours=0 the test waits for the day and misses it; with
        // count_shift_hours=1 (auto's default since detect16) it judges the drop against the level the series showed at this hour yesterday. Seeds 1–5:
        // flagged in 11–44 minutes, held on 42–76 % of its points (the hour's mean of a count of 3 is a noisy reference,
        // and the lower of it and the slow level is taken).
        const int from = (32 * 60) + 45;
        const int length = 210;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(from + length, 3, from, int.MaxValue, 0.34, seed);
            var (onset, held, judged) = Incident(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftHoursKey, "1")), values), from, length);
            var (_, heldWithout, _) = Incident(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftHoursKey, "0")), values), from, length);
            return onset < 0 || onset > 45 || held < 0.4 * judged || heldWithout >= held
                ? $"seed {seed}: onset {onset} min, held {held}/{judged} (with count_shift_hours=0 {heldWithout})"
                : null;
        });
    }

    [Fact]
    public void Observe_BusinessCountBeforeTheDayIsKnownWithCountShiftHours_NoMoreOnsets()
    {
        // The same test on a clean business count in its first two days: an evening decline is not lower than what the
        // series showed at that hour yesterday, so the hours reference adds no episode of its own.
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(3 * Day, 25, int.MaxValue, int.MaxValue, 1, seed);
            var with = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftHoursKey, "1")), values)).Count;
            var without = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftHoursKey, "0")), values)).Count;
            return with > without
                ? $"seed {seed}: {with} onsets with count_shift_hours=1, {without} without"
                : null;
        });
    }

    [Fact]
    public void Observe_BusinessLevelShiftBeforeTheDayIsKnownWithCountShiftHours_QuietAfterAdaptAfter()
    {
        // A business count moves to 0.37× at noon on its second day, for good. After the adapt_after rebaseline (3 h) the
        // hours the test remembers are scaled by the run's ratio to what was expected, so the new level's evening
        // decline is judged against a third of yesterday's evening, not all of it: no point scores above 1 from 15:15 to
        // 17:00 (the scenario suite's check: adapt_after plus 15 minutes to two hours). Not yet met to midnight on every
        // seed: on seed 1 three zeros in a row at 22:36, on a count of 0.8 a minute, score above 1.
        const int from = Day + (12 * 60);
        const int quietFrom = from + 195;
        const int quietTo = from + 300;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(2 * Day, 25, from, int.MaxValue, 0.37, seed);
            var verdicts = Synthetic.RunMinutes(Auto((ContractOptions.CountShiftHoursKey, "1")), values);
            var (onset, _, _) = Incident(verdicts, from, 30);
            var late = Enumerable.Range(quietFrom, quietTo - quietFrom).Count(i => verdicts[i].IsAnomaly);
            return onset < 0 || late > 0
                ? $"seed {seed}: onset {onset} min, {late} points above 1 after adapt_after"
                : null;
        });
    }

    [Fact]
    public void Observe_SmallBusinessCountDropsToAThirdForGoodWithCountRunStart_AlertedAtOnsetAndQuietAfterAdaptAfter()
    {
        // The scenario suite's business_events_1: a small business count (midday peak 4 a minute here) moves to 0.37× at
        // noon on day 4, for good. At about 3 a minute the count test needs 10–26 points to page, and the run it opens was
        // rebaselined adapt_after (3 h) after the page: without count_run_start, seeds 3 and 5 still page after 15:15, when
        // the operator expects the new level to be quiet. With count_run_start=1 the run starts where the test's evidence
        // began: alerted within 30 minutes of the change and no point above 1 from 15:15 to 17:00 on every seed.
        const int from = (3 * Day) + (12 * 60);
        const int quietFrom = from + 195;
        const int quietTo = from + 300;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(from + 360, 4, from, int.MaxValue, 0.37, seed);
            var verdicts = Synthetic.RunMinutes(Auto((ContractOptions.CountRunStartKey, "1")), values);
            var (onset, _, _) = Incident(verdicts, from, 30);
            var late = Enumerable.Range(quietFrom, quietTo - quietFrom).Count(i => verdicts[i].IsAnomaly);
            return onset < 0 || late > 0
                ? $"seed {seed}: onset {onset} min, {late} points above 1 after adapt_after + 15 min"
                : null;
        });
    }

    [Fact]
    public void Observe_BusinessCountOfPeakSixDropsToAThirdForGood_ExpectationNeverBelowZeroAndQuietOnceSettled()
    {
        // A business count of midday peak 6 a minute moves to 0.37× at noon on day 4, for good (the scenario suite's
        // business_events_1). While the daily profile is the expectation, the run's residuals are measured against the
        // profile's forecast; the adapt_after rebaseline used to add their median to the Holt level, which had stood
        // elsewhere through the incident (carried down by its trend), and put the expectation at −6.4 on seed 4 with the
        // band [−10.5, −4.7]: every later count scored above 1. A count is never expected below zero, and once the
        // rebaseline is past (the page plus adapt_after plus 15 minutes) the new level is quiet to midnight.
        const int from = (3 * Day) + (12 * 60);
        const int to = 4 * Day;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(to, 6, from, int.MaxValue, 0.37, seed);
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            var (onset, _, _) = Incident(verdicts, from, 60);
            var lowest = Enumerable.Range(from, to - from).Min(i => verdicts[i].Expected);
            var settled = from + onset + 195;
            var late = onset < 0 ? 0 : Enumerable.Range(settled, to - settled).Count(i => verdicts[i].IsAnomaly);
            return onset < 0 || lowest < 0 || late > 0
                ? $"seed {seed}: onset {onset} min, lowest expectation {lowest:F2}, {late} points above 1 once settled"
                : null;
        });
    }

    [Fact]
    public void Observe_CleanBusinessCountWithRises_NoMoreOnsetsThanWithout()
    {
        // With count_shift_rises=1, once the day is known a rise is judged above what the series showed at this hour and
        // the next yesterday too (detect16): the slow level lags a business count's morning climb, and read the rest of
        // the climb as a rise. Four clean days of a business count raise no onset the rise side adds.
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(4 * Day, 25, int.MaxValue, int.MaxValue, 1, seed);
            var with = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "1")), values)).Count;
            var without = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "0")), values)).Count;
            return with > without ? $"seed {seed}: {with} onsets with count_shift_rises=1, {without} without" : null;
        });
    }

    [Fact]
    public void Observe_BusinessCountMorningAfterAMissingPeakWithRises_NoRiseAlarm()
    {
        // The scenario suite's business_events_1: a business count peaking at 6 a minute misses its peak on day 3 (a
        // third of its level from 10:00 to 18:00), and day 4's morning climb is ordinary. Judged above yesterday's hour
        // alone (the missing peak's 10:00), the climb was a rise: the rise side fired at 09:56, froze the level at 2.5
        // and held for two hours. Above the higher of the last two visits (day 2's 10:00), it is no rise: no more of the
        // morning's points are above the band than without the rise side.
        const int missingFrom = (2 * Day) + (10 * 60);
        const int missingTo = (2 * Day) + (18 * 60);
        const int morningFrom = (3 * Day) + (8 * 60);
        const int morningTo = (3 * Day) + (12 * 60);
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Business(morningTo, 6, missingFrom, missingTo, 0.3, seed);
            int Above(Verdict[] verdicts) => Enumerable.Range(morningFrom, morningTo - morningFrom).Count(i => verdicts[i].IsAnomaly && values[i] > verdicts[i].Expected);
            var with = Above(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "1")), values));
            var without = Above(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "0")), values));
            return with > without ? $"seed {seed}: {with} points of the morning climb above the band with the rise side, {without} without" : null;
        });
    }

    [Fact]
    public void Observe_PoissonCountOfTwoTriplesForAnHourWithRises_FlaggedAndKeepsScoringAboveOne()
    {
        // A ×3 step on a Poisson count of 2 a minute (its point band reaches about 9, so most of the step's points are
        // inside it): with count_shift_rises=1 and count_shift_rise_clip=1 the rise is flagged within half an hour and
        // keeps scoring above 1 while it lasts, its points not teaching the level.
        const int from = (3 * Day) + 60;
        const int length = 60;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(from + length, 2, from, int.MaxValue, 3, seed);
            var verdicts = Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "1"), (ContractOptions.CountShiftRiseClipKey, "1")), values);
            var (onset, held, judged) = Incident(verdicts, from, length);
            return onset < 0 || onset > 30 || held < 0.7 * judged || verdicts[^1].Expected > 3
                ? $"seed {seed}: onset {onset} min, held {held}/{judged}, expected {verdicts[^1].Expected:F2} at the end"
                : null;
        });
    }

    [Fact]
    public void Observe_NightCountBelowOneAMinuteTriplesFor45MinutesWithRiseMin_FlaggedWithinItAndHeldLonger()
    {
        // A business count's night: 0.6 events a minute, half of its minutes with none. A ×3 step (the scenario suite's
        // business_events_1 at 03:30) shows as 1.8 a minute. By default the rise side stands down below one event a
        // minute with count_shift_rise_min=1 (the default before session 11); with 0.3 (the default since) it runs there and flags the step inside its 45 minutes on every seed
        // (0–11 minutes on three seeds, 37–41 on two: about 0.65 of the 12 nats the threshold asks come per point),
        // holding at least as many of its points as without, and several times as many in sum.
        const int from = (3 * Day) + 60;
        const int length = 45;
        int heldWith = 0, heldWithout = 0;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(from + length, 0.6, from, int.MaxValue, 3, seed);
            var (onset, held, judged) = Incident(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRiseMinKey, "0.3")), values), from, length);
            var (_, without, _) = Incident(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRiseMinKey, "1")), values), from, length);
            heldWith += held;
            heldWithout += without;
            return onset < 0 || held < without
                ? $"seed {seed}: onset {onset} min, held {held}/{judged} ({without} without)"
                : null;
        });
        Assert.True(heldWith >= 3 * heldWithout, $"held {heldWith} points over five seeds with the rise side below one a minute, {heldWithout} without");
    }

    [Fact]
    public void Observe_QuietCountOfPointSixAMinuteWithRiseMin_RaisesNoEpisodeMoreThanWithout()
    {
        // The same night count for four quiet days: its minutes of 3 or 4 events are routine, not a rise, so running the
        // rise side below one a minute adds no episode. (Both raise some: 1–18 in three days per seed on the point
        // band's edges, the same with and without; not this test's concern.)
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(4 * Day, 0.6, 0, 0, 1, seed);
            var with = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRiseMinKey, "0.3")), values)).Count(i => i >= Day);
            var without = Synthetic.Onsets(Synthetic.RunMinutes(Auto(), values)).Count(i => i >= Day);
            return with > without ? $"seed {seed}: {with} episodes in three quiet days with the rise side below one a minute, {without} without" : null;
        });
    }

    [Fact]
    public void Observe_PoissonCountOfTwoTriplesForAnHour_HeldAndItsEndDoesNotPage()
    {
        // Orders a minute triple for an hour on a count of 2 (P(X ≥ 6 | λ = 2) ≈ 1.7 %: small per point, clear in sum).
        // By default (count_shift_rises, detect20) the rise is flagged within half an hour, scores above 1 on most of
        // its hour, the level does not learn it, and the return to 2 a minute raises no episode of its own.
        const int from = (3 * Day) + 60;
        const int length = 60;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(from + length + 120, 2, from, from + length, 3, seed);
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            var (onset, held, judged) = Incident(verdicts, from, length);
            var after = Synthetic.Onsets(verdicts).Count(i => i >= from + length);
            return onset < 0 || onset > 30 || held < 0.7 * judged || verdicts[from + length - 1].Expected > 3 || after > 0
                ? $"seed {seed}: onset {onset} min, held {held}/{judged}, expected {verdicts[from + length - 1].Expected:F2} at the end, {after} episodes after it"
                : null;
        });
    }

    [Fact]
    public void Observe_PoissonCountAfterAVarianceBurstOfFractions_ReturnDoesNotPage()
    {
        // The scenario suite's variance burst on a Poisson count of 3.4 (poisson_count_1, 01-07 08:23): for 75 minutes on
        // day 3 each draw's deviation is widened 7.3 times (max(0, λ + 7.3·(x − λ)): zeros, and fractions up to 40). After
        // a day the count stays a count through such an hour (the share of whole numbers has about 1000 points of memory):
        // before, the count test stood down within 20 minutes, the burst's zeros took the level below 0 and the return to
        // 3.4 a minute paged (4 episodes in the three hours after the burst over seeds 1–5, on seeds 1, 3 and 4). Limit:
        // seed 4 still pages once.
        const double rate = 3.4;
        const int from = (2 * Day) + (8 * 60) + 23;
        const int length = 75;
        var episodes = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var values = Synthetic.FlatCount(from + length + 180, rate, int.MaxValue, int.MaxValue, 1, seed);
            for (var i = from; i < from + length; i++)
            {
                values[i] = Math.Max(0, rate + (7.3 * (values[i] - rate)));
            }

            var verdicts = Synthetic.RunMinutes(Auto(), values);
            episodes.AddRange(Synthetic.Onsets(verdicts).Where(i => i >= from + length + 5).Select(i => $"seed {seed} at {i - from - length} min after"));
        }

        Assert.True(episodes.Count <= 1, string.Join("; ", episodes));
    }

    [Fact]
    public void Observe_PoissonCountWithBurstsAndRiseClip_BurstsDoNotMakeARise()
    {
        // The same count of 2 with a burst of 12 every 40 minutes and nothing else: clipped at the alternative rate plus
        // one of its σ, a burst adds one point's worth of rise evidence, so the rise side raises no episode of its own.
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(4 * Day, 2, int.MaxValue, int.MaxValue, 1, seed);
            for (var i = 20; i < values.Length; i += 40)
            {
                values[i] = 12;
            }

            var with = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "1"), (ContractOptions.CountShiftRiseClipKey, "1")), values)).Count(i => i >= Day);
            var without = Synthetic.Onsets(Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRisesKey, "0")), values)).Count(i => i >= Day);
            return with > without
                ? $"seed {seed}: {with} onsets with the rise side, {without} without"
                : null;
        });
    }
}
