using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Core.Series;
using Vigil.EventStore;
using Vigil.Hosting;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Pages;

/// <summary>The feedback form and the UI's access rules, each test on its own demo host.</summary>
public sealed class WriteAndAuthTests
{
    private const string WriteToken = "write-token-0123456789";
    private const string ReadToken = "read-token-0123456789";
    private const string Checkout = "{__name__=\"replay_http_requests_per_second\",service=\"checkout\"}";

    private static FormUrlEncodedContent Feedback(string kind, string? token = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["job"] = "replay-requests",
            ["series"] = Checkout,
            ["from"] = "2026-01-05T00:00:00Z",
            ["to"] = "2026-01-05T01:00:00Z",
            ["kind"] = kind,
            ["comment"] = "from the UI test",
        };
        if (token is not null)
        {
            fields["token"] = token;
        }

        return new FormUrlEncodedContent(fields);
    }

    [Fact]
    public async Task PostFeedback_OpenLoopbackWrites_StoredForTheExactSeriesAndRedirectsToTheSeries()
    {
        await using var host = await DemoHost.StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsync("/ui/feedback", Feedback("confirmed"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith($"/jobs/replay-requests/series?s={Uri.EscapeDataString(Checkout)}&done=confirmed&id=", location, StringComparison.Ordinal);
        var stored = Assert.Single(await host.Service<IEventStore>().ListFeedbackAsync("replay-requests", 10, CancellationToken.None));
        Assert.False(stored.Target.IsSelector);
        Assert.Equal(Labels.From(new Label("__name__", "replay_http_requests_per_second"), new Label("service", "checkout")), stored.Target.Labels);
        Assert.Equal(("ui", "from the UI test"), (stored.Author, stored.Comment));
        var page = await http.GetStringAsync(location);
        Assert.Contains("Feedback confirmed stored", page, StringComparison.Ordinal);
        Assert.Contains("id=\"feedback-table\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind", "sideways", "kind: must be new_normal, not_anomaly or confirmed")]
    [InlineData("from", "soon", "from: &#x27;soon&#x27; is not an RFC 3339 time")]
    [InlineData("to", "2026-01-04T00:00:00Z", "to: must not be before from")]
    [InlineData("series", "service=", "series: &#x27;service=&#x27; is not a selector")]
    public async Task PostFeedback_BadField_400NamingItAndNothingStored(string field, string value, string message)
    {
        await using var host = await DemoHost.StartAsync();
        using var http = host.Client();
        var fields = (await Feedback("confirmed").ReadAsStringAsync()).Split('&').Select(p => p.Split('=')).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
        fields[field] = value;

        using var response = await http.PostAsync("/ui/feedback", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await host.Service<IEventStore>().ListFeedbackAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task PostFeedback_WriteTokenConfigured_RefusedWithoutItAcceptedWithIt()
    {
        await using var host = await DemoHost.StartAsync(s => s with { Auth = new ApiAuthOptions { WriteToken = WriteToken } });
        using var http = host.Client();

        var form = await http.GetStringAsync($"/jobs/replay-requests/series?s={Uri.EscapeDataString(Checkout)}");
        using var missing = await http.PostAsync("/ui/feedback", Feedback("confirmed"));
        using var wrong = await http.PostAsync("/ui/feedback", Feedback("confirmed", "not-the-token-at-all"));
        using var right = await http.PostAsync("/ui/feedback", Feedback("confirmed", WriteToken));

        Assert.Contains("<input id=\"token\" name=\"token\" type=\"password\"", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("write token is missing or wrong", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Single(await host.Service<IEventStore>().ListFeedbackAsync(null, 10, CancellationToken.None));
        Assert.Contains("vigil_errors_total{error_type=\"unauthorized\"} 2", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostFeedback_FromAnotherSite_403AndNothingStored()
    {
        await using var host = await DemoHost.StartAsync();
        using var http = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ui/feedback") { Content = Feedback("new_normal") };
        request.Headers.Add("Origin", "http://attacker.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await host.Service<IEventStore>().ListFeedbackAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Pages_UiAuthSet_NeedTheReadTokenAsBasicPassword()
    {
        await using var host = await DemoHost.StartAsync(s => s with { UiAuth = true, Auth = new ApiAuthOptions { ReadToken = ReadToken } });
        using var http = host.Client();

        using var anonymous = await http.GetAsync("/");
        using var wrong = await SendAsync(http, "/jobs/replay-requests", Basic("ops", "nope"));
        using var right = await SendAsync(http, "/jobs/replay-requests", Basic("ops", ReadToken));
        using var chart = await SendAsync(http, $"/ui/chart/replay-requests?series={Uri.EscapeDataString(Checkout)}", Basic("anyone", ReadToken));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        // The host's own public endpoints stay public.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Pages_ReadTokenWithoutUiAuth_StayOpen()
    {
        await using var host = await DemoHost.StartAsync(s => s with { Auth = new ApiAuthOptions { ReadToken = ReadToken } });
        using var http = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/anomalies")).StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, AuthenticationHeaderValue auth)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        return http.SendAsync(request);
    }
}
