using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Pages;

/// <summary>Server-side rendering of the overview, job and series pages on the running demo (read-only: one shared host).</summary>
public sealed partial class CorePagesTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    private const string Checkout = "{__name__=\"replay_http_requests_per_second\",service=\"checkout\"}";

    private static string SeriesPath(string job, string series) => $"/jobs/{job}/series?s={Uri.EscapeDataString(series)}";

    [Fact]
    public async Task Overview_Demo_ListsEveryJobWithHealthAndALinkToIt()
    {
        var (status, mediaType, html) = await demo.Host.GetPageAsync("/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/html", mediaType);
        Assert.Equal("Overview · Vigil", Html.Title(html));
        Assert.Equal(["/jobs/replay-requests", "/jobs/replay-latency", "/jobs/replay-queue"], Html.Links(html, "/jobs/").Where(l => !l.Contains("/series", StringComparison.Ordinal)));
        Assert.Contains("<span class=\"badge ok\">ready</span>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"episodes-heading\">Recent episodes</h2>", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_Default_SeriesSortedByScoreDescending()
    {
        var html = await demo.Host.GetStringAsync("/jobs/replay-requests");

        Assert.Equal("Job replay-requests · Vigil", Html.Title(html));
        var scores = Scores(html);
        Assert.Equal(3, scores.Count);
        Assert.Equal([.. scores.OrderDescending()], scores);
        Assert.Contains("aria-sort=\"descending\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_SortBySeriesAscendingThenDescending_OrdersByLabels()
    {
        var ascending = Html.RowHeaders(await demo.Host.GetStringAsync("/jobs/replay-latency?sort=series&dir=asc"), "series-table");
        var descending = Html.RowHeaders(await demo.Host.GetStringAsync("/jobs/replay-latency?sort=series&dir=desc"), "series-table");

        Assert.Equal(3, ascending.Count);
        Assert.Equal([.. ascending.Order(StringComparer.Ordinal)], ascending);
        Assert.Equal([.. ascending.Reverse()], descending);
    }

    [Theory]
    [InlineData("service=checkout")]
    [InlineData("{service=\"checkout\"}")]
    [InlineData("CHECKOUT")]
    public async Task Job_FilterByLabel_KeepsOnlyTheMatchingSeries(string filter)
    {
        var html = await demo.Host.GetStringAsync($"/jobs/replay-requests?filter={Uri.EscapeDataString(filter)}");

        Assert.Equal([Checkout], Html.RowHeaders(html, "series-table"));
        Assert.Contains("1 of 3 series", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_FilterWithABadLabelName_400NamingTheFilter()
    {
        var (status, _, html) = await demo.Host.GetPageAsync($"/jobs/replay-requests?filter={Uri.EscapeDataString("se rvice=x")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("filter: &#x27;se rvice=x&#x27; is not name=value", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_Unknown_404ListingTheJobs()
    {
        var (status, _, html) = await demo.Host.GetPageAsync("/jobs/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("No such job · Vigil", Html.Title(html));
        Assert.Contains("Jobs: replay-requests, replay-latency, replay-queue.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Series_DemoSeries_ShowsTheChartTheFeedbackButtonsAndTheEpisodes()
    {
        var html = await demo.Host.GetStringAsync(SeriesPath("replay-requests", Checkout));

        Assert.Equal($"Series {Checkout} of replay-requests · Vigil", Html.Title(html));
        Assert.Contains($"<img id=\"chart\" src=\"/ui/chart/replay-requests?series={Uri.EscapeDataString(Checkout)}&amp;width=1000&amp;height=420\"", html, StringComparison.Ordinal);
        foreach (var kind in new[] { "not_anomaly", "new_normal", "confirmed" })
        {
            Assert.Contains($"name=\"kind\" value=\"{kind}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("<label for=\"from\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"token\"", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"episodes-heading\">Recent episodes</h2>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/jobs/replay-requests/series?s=%7Bservice%3D%22nope%22%7D", HttpStatusCode.NotFound, "has no series {service=&quot;nope&quot;}")]
    [InlineData("/jobs/replay-requests/series?s=service%3D", HttpStatusCode.BadRequest, "s: &#x27;service=&#x27; is not a selector")]
    [InlineData("/jobs/replay-requests/series?s=%7B%7D&from=yesterday", HttpStatusCode.BadRequest, "from: &#x27;yesterday&#x27;")]
    [InlineData("/jobs/nope/series?s=%7B%7D", HttpStatusCode.NotFound, "There is no job &#x27;nope&#x27;")]
    public async Task Series_BadOrUnknown_4xxPageWithTheReason(string path, HttpStatusCode status, string message)
    {
        var (actual, _, html) = await demo.Host.GetPageAsync(path);

        Assert.Equal(status, actual);
        Assert.Contains(message, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chart_SeriesPageImage_IsAPngOfTheSizeThePageDeclares()
    {
        using var http = demo.Host.Client();

        using var response = await http.GetAsync($"/ui/chart/replay-requests?series={Uri.EscapeDataString(Checkout)}&width=1000&height=420");
        var png = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal((1000, 420), Png.Size(png));
    }

    [Fact]
    public async Task Chart_UnknownSeries_404WithTheChartSourcesMessage()
    {
        var (status, _, html) = await demo.Host.GetPageAsync("/ui/chart/replay-requests?series=%7Bservice%3D%22nope%22%7D");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("series: no series", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_IsServedAsCss()
    {
        var (_, mediaType, html) = await demo.Host.GetPageAsync("/ui/site.css");

        Assert.Equal("text/css", mediaType);
        Assert.Contains(":focus-visible", html, StringComparison.Ordinal);
    }

    private static List<double> Scores(string html)
        => [.. DataScore().Matches(html).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex("data-score=\"([^\"]+)\"")]
    private static partial Regex DataScore();
}
