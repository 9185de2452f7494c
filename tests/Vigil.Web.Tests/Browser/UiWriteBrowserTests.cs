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
        var every = TimeSpan.FromMinutes(1);
        JobOptions[] jobs =
        [
            new() { Name = "queue", Query = "replay_queue_depth", Source = JobSource.Replay, Interval = every },
            new() { Name = "queue-twin", Query = "replay_queue_depth", Source = JobSource.Replay, Interval = every },
        ];
        await using var host = await DemoHost.StartAsync(jobs: jobs, speed: 300);
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

        // The twins' first cycles may fetch warm-up windows a step apart, so they agree closely but not exactly before
        // the press; after it the rebaselined job's expectation moves far beyond that drift.
        var (before, after) = Compare(host, pressedMs);
        Assert.True(before.Count >= 5, $"only {before.Count} common points before the press");
        var drift = before.Max(p => RelativeGap(p.Target, p.Twin));
        var moved = after.Max(p => RelativeGap(p.Target, p.Twin));
        Assert.True(moved > Math.Max(10 * drift, 1e-3), $"expected values moved by {moved:G4} relative after new_normal; the twins drifted by {drift:G4} before it");
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
