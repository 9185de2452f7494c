using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Vigil.Charts.Api;
using Vigil.Charts.Rendering;
using Vigil.Core.Series;

namespace Vigil.Charts.Tests.Api;

public sealed class ChartEndpointsTests
{
    [Fact]
    public void ParseQuery_Nothing_IsAPngOfTheDefaultSizeInTheDefaultZone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var query = ChartEndpoints.ParseQuery(Query(), berlin);

        Assert.Null(query.From);
        Assert.Null(query.To);
        Assert.Equal(ChartFormat.Png, query.Image.Format);
        Assert.Equal((ChartLimits.DefaultWidth, ChartLimits.DefaultHeight), (query.Image.Width, query.Image.Height));
        Assert.Same(berlin, query.Image.TimeZone);
    }

    [Fact]
    public void ParseQuery_EveryParameter_IsRead()
    {
        var query = ChartEndpoints.ParseQuery(
            Query(("from", "2026-01-01T00:00:00Z"), ("to", "1767229200"), ("format", "svg"), ("width", "640"), ("height", "480"), ("tz", "America/New_York")),
            TimeZoneInfo.Utc);

        Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), query.From);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_767_229_200), query.To);
        Assert.Equal(ChartFormat.Svg, query.Image.Format);
        Assert.Equal((640, 480), (query.Image.Width, query.Image.Height));
        Assert.Equal("America/New_York", query.Image.TimeZone.Id);
    }

    [Theory]
    [InlineData("width", "5000", "width: must be from 200 to 4000 pixels, got 5000")]
    [InlineData("width", "-1", "width: must be a whole number")]
    [InlineData("height", "1e3", "height: must be a whole number")]
    [InlineData("format", "jpeg", "format: must be png or svg, got 'jpeg'")]
    [InlineData("tz", "Nowhere/Else", "tz: 'Nowhere/Else' is not a known time zone id")]
    [InlineData("from", "soon", "from: 'soon' is not an RFC 3339 time nor Unix seconds")]
    public void ParseQuery_BadParameter_Is400NamingIt(string name, string value, string message)
    {
        var ex = Assert.Throws<ChartRequestException>(() => ChartEndpoints.ParseQuery(Query((name, value)), TimeZoneInfo.Utc));

        Assert.Equal(400, ex.Status);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseQuery_FromAfterTo_Is400()
    {
        var ex = Assert.Throws<ChartRequestException>(() => ChartEndpoints.ParseQuery(Query(("from", "2000"), ("to", "1000")), TimeZoneInfo.Utc));

        Assert.Equal("from: must not be after to", ex.Message);
    }

    [Fact]
    public void Matches_Selector_IsASubsetOfTheSeriesLabels()
    {
        var series = Labels.From(new Label("instance", "a"), new Label("service", "checkout"));

        Assert.True(SeriesChartSource.Matches(series, Labels.Empty));
        Assert.True(SeriesChartSource.Matches(series, Labels.From(new Label("service", "checkout"))));
        Assert.False(SeriesChartSource.Matches(series, Labels.From(new Label("service", "search"))));
        Assert.False(SeriesChartSource.Matches(series, Labels.From(new Label("zone", "eu"))));
    }

    private static QueryCollection Query(params (string Name, string Value)[] values)
        => new(values.ToDictionary(v => v.Name, v => new StringValues(v.Value), StringComparer.Ordinal));
}
