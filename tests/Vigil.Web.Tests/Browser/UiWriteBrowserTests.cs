using Microsoft.Playwright;
using Vigil.Pipeline.Jobs;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Browser;

/// <summary>Browser tests that write (feedback): each starts its own demo host.</summary>
public sealed class UiWriteBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Queue = "{__name__=\"replay_queue_depth\",service=\"checkout\"}";

    /// <summary>
    /// Two jobs score the same replay query with the same detector, so their verdicts agree point for point; pressing
    /// "new normal" on one of them must make its next verdicts differ from its twin's (the detector rebaselined).
    /// </summary>
    [Fact]
    public async Task NewNormal_Pressed_ChangesTheNextVerdicts()
    {
        await using var host = await StartTwinsAsync();
        var runner = host.Service<IReadOnlyList<JobRunner>>().Single(r => r.Name == "queue");
        var (context, page, errors) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;
        await page.GotoAsync($"/jobs/queue/series?s={Uri.EscapeDataString(Queue)}");
        await page.Locator("#btn-new-normal").WaitForAsync();
        var pressedAt = runner.DataClock.GetUtcNow();
        await page.Locator("#from").FillAsync(pressedAt.AddMinutes(-15).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#to").FillAsync(pressedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.Locator("#btn-new-normal").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Feedback new_normal stored" })).ToBeVisibleAsync();
        var pressedMs = pressedAt.ToUnixTimeMilliseconds();
        // Wait (on the verdict seam, not a timer) until both jobs have scored a few points after the press.
        await host.Verdicts.WaitAsync(() => Compare(host, pressedMs).After.Count >= 5, TimeSpan.FromSeconds(60));
        await BrowserFixture.ScreenshotAsync(page, "series-after-new-normal");

        // The twins agreed exactly before the press (StartTwinsAsync); after it the rebaselined job's expectation moves.
        var (before, after) = Compare(host, pressedMs);
        Assert.True(before.Count >= 5, $"only {before.Count} common points before the press");
        Assert.All(before, p => Assert.Equal(p.Twin.Verdict, p.Target.Verdict));
        var moved = after.Max(p => RelativeGap(p.Target, p.Twin));
        Assert.True(moved > 1e-3, $"expected values moved by {moved:G4} relative after new_normal; the twins agreed exactly before it");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task KeyboardOnly_TabReachesTheFeedbackButtonsAndEnterPressesThem()
    {
        await using var host = await DemoHost.StartAsync();
        var (context, page, errors) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;
        await page.GotoAsync(UiBrowserTests.SeriesPath("replay-requests", UiBrowserTests.Checkout));
        await page.Locator("#btn-confirmed").WaitForAsync();

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await FocusedTextAsync(page));
        var reached = new List<string>();
        for (var i = 0; i < 40 && reached.LastOrDefault() != "Confirmed"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await FocusedTextAsync(page));
        }

        await BrowserFixture.ScreenshotAsync(page, "series-keyboard-focus");
        Assert.Contains("Overview", reached);
        Assert.Contains("Not an anomaly", reached);
        Assert.Contains("New normal", reached);
        Assert.Equal("Confirmed", reached[^1]);

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Feedback confirmed stored" })).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    /// <summary>
    /// A demo host with the twin jobs, once their verdicts agree exactly on at least five points. Each job's first cycle
    /// reads the replay clock on its own; when the two reads fall on either side of a step (a few tens of milliseconds
    /// apart, at 0.5 s a step), their warm-up windows start a step apart and they never agree exactly (about a relative
    /// 1 % in the expectation, as large as the rebaseline under test). Such a host measures nothing, so it is replaced.
    /// </summary>
    private static async Task<DemoHost> StartTwinsAsync()
    {
        var every = TimeSpan.FromMinutes(1);
        JobOptions[] jobs =
        [
            new() { Name = "queue", Query = "replay_queue_depth", Source = JobSource.Replay, Interval = every },
            new() { Name = "queue-twin", Query = "replay_queue_depth", Source = JobSource.Replay, Interval = every },
        ];
        var disagreed = new List<double>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var host = await DemoHost.StartAsync(jobs: jobs, speed: 120);
            await host.Verdicts.WaitAsync(() => Compare(host, long.MaxValue).Before.Count >= 5, TimeSpan.FromSeconds(60));
            var common = Compare(host, long.MaxValue).Before;
            if (common.All(p => p.Target.Verdict == p.Twin.Verdict))
            {
                return host;
            }

            disagreed.Add(common.Max(p => RelativeGap(p.Target, p.Twin)));
            await host.DisposeAsync();
        }

        Assert.Fail($"the twin jobs started a step apart in 4 hosts (relative gaps {string.Join(", ", disagreed)})");
        return null!;
    }

    private static Task<string> FocusedTextAsync(IPage page) => page.EvaluateAsync<string>("() => (document.activeElement?.innerText || document.activeElement?.getAttribute('aria-label') || document.activeElement?.id || '').trim()");

    private static double RelativeGap(RecordedVerdict target, RecordedVerdict twin)
        => Math.Abs(target.Verdict.Expected - twin.Verdict.Expected) / Math.Max(1e-9, Math.Abs(twin.Verdict.Expected));

    private static (List<(RecordedVerdict Target, RecordedVerdict Twin)> Before, List<(RecordedVerdict Target, RecordedVerdict Twin)> After) Compare(DemoHost host, long pressedMs)
    {
        var twin = host.Verdicts.Of("queue-twin", Queue).GroupBy(p => p.TimestampMs).ToDictionary(g => g.Key, g => g.Last());
        var before = new List<(RecordedVerdict, RecordedVerdict)>();
        var after = new List<(RecordedVerdict, RecordedVerdict)>();
        foreach (var point in host.Verdicts.Of("queue", Queue))
        {
            if (twin.TryGetValue(point.TimestampMs, out var other))
            {
                (point.TimestampMs <= pressedMs ? before : after).Add((point, other));
            }
        }

        return (before, after);
    }
}
