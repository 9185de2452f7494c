using System.Net;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Pages;

/// <summary>Preview, business metrics, inspections, alerts, models and log templates on the demo (read-only: one shared host).</summary>
public sealed class FeaturePagesTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    [Theory]
    [InlineData("/business", "Business metrics · Vigil", "Business metrics are not configured")]
    [InlineData("/models", "Models · Vigil", "No model store is configured")]
    public async Task FeaturePage_NotConfiguredInTheDemo_200SayingSo(string path, string title, string message)
    {
        var (status, _, html) = await demo.Host.GetPageAsync(path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(title, Html.Title(html));
        Assert.Contains(message, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogTemplates_Demo_MinesItsCheckoutLog()
    {
        // The demo mines a generated checkout log (docs/logs.md): the page is configured, never "not configured",
        // and lists templates once the first interval has been mined.
        var (status, _, html) = await demo.Host.GetPageAsync("/logs");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Log templates · Vigil", Html.Title(html));
        Assert.DoesNotContain("Log mining is not configured", html, StringComparison.Ordinal);
        Assert.True(
            html.Contains("No log templates mined yet.", StringComparison.Ordinal) || html.Contains("demo-checkout", StringComparison.Ordinal),
            "the page shows the demo's templates or says none are mined yet");
    }

    [Fact]
    public async Task Alerts_Demo_ShowsTheActiveResolvedAndShadowSections()
    {
        var html = await demo.Host.GetStringAsync("/alerts");

        Assert.Equal("Alerts · Vigil", Html.Title(html));
        Assert.Contains("<h2 id=\"active-heading\">Active</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"resolved-heading\">Resolved</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"shadow-heading\">Shadow (recorded, not delivered)</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspections_Demo_IsConfiguredAndShowsLatestAndHistory()
    {
        var html = await demo.Host.GetStringAsync("/inspections");

        Assert.DoesNotContain("not configured", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"latest-heading\">Latest round</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"history-heading\">History</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_NoQuery_ShowsTheFormWithEveryJobAndDetector()
    {
        var html = await demo.Host.GetStringAsync("/preview");

        Assert.Equal("Preview a detector · Vigil", Html.Title(html));
        Assert.Contains("<option value=\"replay-queue\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"rolling_sigma\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"params\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"preview-chart\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_DetectorOverRecentHistory_ChartAndEpisodes()
    {
        var (status, _, html) = await demo.Host.GetPageAsync("/preview?job=replay-requests&series=&detector=rolling_sigma&params=window%3D30");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<img id=\"preview-chart\" src=\"data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Contains("rolling_sigma on replay-requests {", html, StringComparison.Ordinal);
        Assert.Contains("the recent history", html, StringComparison.Ordinal);
        var base64 = WebUtility.HtmlDecode(html.Split("data:image/png;base64,", 2)[1].Split('"', 2)[0]);
        Assert.Equal((1000, 420), Png.Size(Convert.FromBase64String(base64)));
    }

    [Theory]
    [InlineData("/preview?job=replay-requests&detector=nope", "detector.")]
    [InlineData("/preview?job=replay-requests&detector=rolling_sigma&params=window", "parameters: &#x27;window&#x27; must look like name=value")]
    [InlineData("/preview?job=nope&detector=auto", "job: choose one of replay-requests, replay-latency, replay-queue")]
    [InlineData("/preview?job=replay-requests&series=%7Bservice%3D%22nope%22%7D", "series: no series")]
    [InlineData("/preview?job=replay-requests&from=later", "from: &#x27;later&#x27;")]
    public async Task Preview_BadInput_400WithTheReason(string path, string message)
    {
        var (status, _, html) = await demo.Host.GetPageAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, html, StringComparison.Ordinal);
    }
}
