using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Configuration;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Pages;

/// <summary>
/// <c>POST /api/v1/models/{job}/promote|rollback</c> and the Models page's buttons, each test on its own host running
/// the demo plus an isolation_forest job over a temporary model store.
/// </summary>
public sealed class ModelActionsTests : IDisposable
{
    private const string WriteToken = "write-token-0123456789";
    private const string Promote = $"/api/v1/models/{ForestModels.Job}/promote";
    private const string Rollback = $"/api/v1/models/{ForestModels.Job}/rollback";

    private readonly ForestModels _models = new();

    public void Dispose() => _models.Dispose();

    private Task<DemoHost> StartAsync(Func<ServerOptions, ServerOptions>? server = null)
        => DemoHost.StartAsync(server, ForestModels.Jobs(), modelPath: _models.Path);

    private static string RunningVersion(DemoHost host)
        => ((IsolationForestDetector)host.Service<IReadOnlyList<JobRunner>>().Single(r => r.Name == ForestModels.Job).Detector).Model.Current.Version;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task PostPromote_WithCandidate_ActiveFileReplacedRunningJobSwappedAndCounted()
    {
        var (first, second) = _models.ActiveAndCandidate();
        await using var host = await StartAsync();
        using var http = host.Client();
        Assert.Equal(first, RunningVersion(host));

        using var response = await http.PostAsync(Promote, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(ForestModels.Model, json.GetProperty("model").GetString());
        Assert.Equal(second, json.GetProperty("active").GetProperty("version").GetString());
        Assert.Equal("2026-01-02T00:00:00Z", json.GetProperty("active").GetProperty("created_at").GetString());
        Assert.Equal(256, json.GetProperty("active").GetProperty("training_rows").GetInt64());
        Assert.Equal(second, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        Assert.False(_models.Store.HasCandidate(ForestModels.Model));
        Assert.Equal(second, RunningVersion(host)); // swapped in-process, not at the next reload check
        Assert.Contains($"vigil_model_promotions_total{{job=\"{ForestModels.Job}\"}} 1", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRollback_AfterPromotion_ReactivatesTheOlderVersionAndCounts()
    {
        var (first, _) = _models.ActiveAndCandidate();
        await using var host = await StartAsync();
        using var http = host.Client();
        using var promoted = await http.PostAsync(Promote, null);
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);

        using var response = await http.PostAsync(Rollback, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(first, (await JsonAsync(response)).GetProperty("active").GetProperty("version").GetString());
        Assert.Equal(first, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        Assert.Equal(first, RunningVersion(host));
        Assert.Contains($"vigil_model_rollbacks_total{{job=\"{ForestModels.Job}\"}} 1", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostPromoteAndRollback_NothingToDo_409WithAReasonAndActiveUntouched()
    {
        var only = _models.WriteCandidate(ForestModels.First, 1);
        _models.Store.Promote(ForestModels.Model);
        var before = await File.ReadAllBytesAsync(_models.Store.ActivePath(ForestModels.Model));
        await using var host = await StartAsync();
        using var http = host.Client();

        using var promote = await http.PostAsync(Promote, null);
        using var rollback = await http.PostAsync(Rollback, null);
        using var unknownVersion = await http.PostAsync(Rollback + "?version=19990101T000000Z-deadbeef", null);

        Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
        Assert.Equal($"model '{ForestModels.Model}' has no candidate to promote (train one with vigil train, or wait for the job's training)", (await JsonAsync(promote)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Conflict, rollback.StatusCode);
        Assert.Contains($"no valid history version older than the active {only}", (await JsonAsync(rollback)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, unknownVersion.StatusCode);
        Assert.Contains("no valid history version '19990101T000000Z-deadbeef'", (await JsonAsync(unknownVersion)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_models.Store.ActivePath(ForestModels.Model)));
        Assert.Equal(only, RunningVersion(host));
    }

    [Theory]
    [InlineData("/api/v1/models/no-such-job/promote", "no job 'no-such-job'")]
    [InlineData("/api/v1/models/no-such-job/rollback", "no job 'no-such-job'")]
    [InlineData("/api/v1/models/replay-requests/promote", "job 'replay-requests' does not score with a model")]
    [InlineData("/api/v1/models/replay-requests/rollback", "job 'replay-requests' does not score with a model")]
    public async Task PostModelAction_UnknownJobOrJobWithoutModel_404(string path, string message)
    {
        _models.ActiveAndCandidate();
        await using var host = await StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith(message, (await JsonAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(_models.Store.HasCandidate(ForestModels.Model));
    }

    [Fact]
    public async Task PostPromote_WriteTokenConfigured_401WithoutOrWrongTokenAcceptedWithIt()
    {
        var (_, second) = _models.ActiveAndCandidate();
        await using var host = await StartAsync(s => s with { Auth = new ApiAuthOptions { WriteToken = WriteToken } });
        using var http = host.Client();

        using var missing = await http.PostAsync(Promote, null);
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Post, Promote) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token-at-all") } };
        using var wrong = await http.SendAsync(wrongRequest);
        Assert.True(_models.Store.HasCandidate(ForestModels.Model));
        using var rightRequest = new HttpRequestMessage(HttpMethod.Post, Promote) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", WriteToken) } };
        using var right = await http.SendAsync(rightRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(second, _models.Store.LoadActive(ForestModels.Model).Header.Version);
    }

    [Fact]
    public async Task PostPromote_BeyondLoopbackWithoutWriteToken_403AndNothingChanged()
    {
        var (first, _) = _models.ActiveAndCandidate();
        await using var host = await StartAsync(s => s with { ListenAddress = "0.0.0.0" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.BaseAddress.Port}") };

        using var api = await http.PostAsync(Promote, null);
        using var ui = await http.PostAsync($"/ui/models/{ForestModels.Job}/promote", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ui.StatusCode);
        Assert.Equal(first, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        Assert.True(_models.Store.HasCandidate(ForestModels.Model));
    }

    [Fact]
    public async Task ModelsPage_ModelPresent_ShowsActiveAndCandidateReadablyWithButtons()
    {
        var (first, second) = _models.ActiveAndCandidate();
        await using var host = await StartAsync();
        using var http = host.Client();

        using var response = await http.GetAsync("/models");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Job {ForestModels.Job}", page, StringComparison.Ordinal);
        Assert.Contains($"<code>{first}</code>", page, StringComparison.Ordinal);
        Assert.Contains($"<code>{second}</code>", page, StringComparison.Ordinal);
        Assert.Contains("2026-01-02 00:00:00", page, StringComparison.Ordinal);
        Assert.Contains("<td>256</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>queue_depth</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>0.25</td>", page, StringComparison.Ordinal); // anomaly rate
        Assert.Contains("<td>0.75</td>", page, StringComparison.Ordinal); // F1
        Assert.DoesNotContain("ModelHeader", page, StringComparison.Ordinal);
        Assert.Contains($"formaction=\"/ui/models/{ForestModels.Job}/promote\"", page, StringComparison.Ordinal);
        Assert.Contains("No shadow comparison is running", page, StringComparison.Ordinal);
        var crafted = await http.GetStringAsync($"/models?done=promote&job={ForestModels.Job}&version=call%20this%20number");
        Assert.DoesNotContain("call this number", crafted, StringComparison.Ordinal); // the notice names only the version now active
    }

    [Fact]
    public async Task PostUiPromote_PressedOnLoopback_PromotesAndRedirectsWithANotice()
    {
        var (_, second) = _models.ActiveAndCandidate();
        await using var host = await StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsync($"/ui/models/{ForestModels.Job}/promote", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(second, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        Assert.Equal(second, RunningVersion(host));
        var page = await http.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains($"Job {ForestModels.Job}: {second} promoted", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostUiPromote_TokenConfiguredOrCrossSite_RefusedUntilTheTokenIsGiven()
    {
        var (first, second) = _models.ActiveAndCandidate();
        await using var host = await StartAsync(s => s with { Auth = new ApiAuthOptions { WriteToken = WriteToken } });
        using var http = host.Client();
        var path = $"/ui/models/{ForestModels.Job}/promote";

        var form = await http.GetStringAsync("/models");
        using var missing = await http.PostAsync(path, new FormUrlEncodedContent([]));
        using var crossSiteRequest = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("token", WriteToken)]) };
        crossSiteRequest.Headers.Add("Origin", "http://attacker.example");
        using var crossSite = await http.SendAsync(crossSiteRequest);
        Assert.Equal(first, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        using var right = await http.PostAsync(path, new FormUrlEncodedContent([new("token", WriteToken)]));

        Assert.Contains($"id=\"model-{ForestModels.Job}-token\" name=\"token\" type=\"password\"", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(second, _models.Store.LoadActive(ForestModels.Model).Header.Version);
    }

    [Fact]
    public async Task PostUiRollback_NothingOlder_409PageWithTheReason()
    {
        _models.WriteCandidate(ForestModels.First, 1);
        _models.Store.Promote(ForestModels.Model);
        await using var host = await StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsync($"/ui/models/{ForestModels.Job}/rollback", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no valid history version older than the active", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
