using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Browser;

/// <summary>
/// The UI in a real browser (chromium through Playwright) on the running demo: pages load cleanly, navigation, the
/// chart image, the keyboard. Waits are on selectors and responses only (no sleeps).
/// </summary>
public sealed partial class UiBrowserTests(DemoFixture demo, BrowserFixture browser) : IClassFixture<DemoFixture>, IClassFixture<BrowserFixture>
{
    public const string Checkout = "{__name__=\"replay_http_requests_per_second\",service=\"checkout\"}";

    public static string SeriesPath(string job, string series) => $"/jobs/{job}/series?s={Uri.EscapeDataString(series)}";

    public static TheoryData<string, string> Pages => new()
    {
        { "overview", "/" },
        { "job", "/jobs/replay-requests" },
        { "series", SeriesPath("replay-requests", Checkout) },
        { "preview", "/preview?job=replay-latency&detector=rolling_sigma&params=" },
        { "business", "/business" },
        { "inspections", "/inspections" },
        { "alerts", "/alerts" },
        { "models", "/models" },
        { "logs", "/logs" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_Loads_WithoutConsoleErrorsAndWithATitleAndHeading(string name, string path)
    {
        var (context, page, errors) = await browser.NewPageAsync(demo.Host.BaseAddress);
        await using var _ = context;

        var response = await page.GotoAsync(path);
        await page.Locator("main h1").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        await BrowserFixture.ScreenshotAsync(page, name);

        Assert.Equal(200, response!.Status);
        Assert.EndsWith(" · Vigil", await page.TitleAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("nav[aria-label='Main']").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Navigation_OverviewToJobToSeries_ReachesTheSeriesPage()
    {
        var (context, page, errors) = await browser.NewPageAsync(demo.Host.BaseAddress);
        await using var _ = context;

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "replay-requests", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/jobs/replay-requests");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Job replay-requests");
        await page.Locator("#series-table tbody th a").First.ClickAsync();
        await page.Locator("#chart").WaitForAsync();

        Assert.Matches(SeriesUrl(), page.Url);
        Assert.StartsWith("Series {", await page.Locator("h1").TextContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New normal" })).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Chart_OnTheSeriesPage_IsAValidPngOfTheDeclaredSize()
    {
        var (context, page, errors) = await browser.NewPageAsync(demo.Host.BaseAddress);
        await using var _ = context;

        var chartResponse = page.WaitForResponseAsync(r => r.Url.Contains("/ui/chart/replay-requests", StringComparison.Ordinal));
        await page.GotoAsync(SeriesPath("replay-requests", Checkout));
        var response = await chartResponse;
        var png = await response.BodyAsync();
        await Assertions.Expect(page.Locator("#chart")).ToHaveJSPropertyAsync("complete", true);
        var natural = await page.Locator("#chart").EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");

        Assert.Equal("image/png", response.Headers["content-type"]);
        Assert.Equal((1000, 420), Png.Size(png));
        Assert.Equal([1000, 420], natural);
        Assert.Empty(errors);
    }

    [GeneratedRegex("/jobs/replay-requests/series\\?s=")]
    private static partial Regex SeriesUrl();
}
