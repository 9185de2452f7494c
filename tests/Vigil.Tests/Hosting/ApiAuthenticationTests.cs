using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Tests.Hosting;

/// <summary>The real host (no jobs) on a real port: each rule of docs/security.md.</summary>
public sealed class ApiAuthenticationTests : IDisposable
{
    private const string WriteToken = "write-token-0123456789";
    private const string ReadToken = "read-token-0123456789";
    private const string FeedbackBody = """{"job":"cpu","series":"{instance=\"a\"}","from":1000,"to":2000,"kind":"not_anomaly","author":"ana"}""";

    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Write_BeyondLoopbackWithoutToken_RefusedWithTheReason()
    {
        await using var host = await StartAsync("0.0.0.0", new ApiAuthOptions());
        using var http = Client(host);

        var response = await PostFeedbackAsync(http, token: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no server.write_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("vigil_errors_total{error_type=\"unauthorized\"} 1", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_BeyondLoopbackWithExplicitOptOut_Accepted()
    {
        await using var host = await StartAsync("0.0.0.0", new ApiAuthOptions { AllowUnauthenticatedWrites = true });
        using var http = Client(host);

        var response = await PostFeedbackAsync(http, token: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Write_LoopbackWithoutToken_Accepted()
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions());
        using var http = Client(host);

        var response = await PostFeedbackAsync(http, token: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789")]
    [InlineData(ReadToken)]
    public async Task Write_TokenConfiguredButNotPresented_401WithBearerChallenge(string? presented)
    {
        await using var host = await StartAsync("0.0.0.0", new ApiAuthOptions { WriteToken = WriteToken, ReadToken = ReadToken });
        using var http = Client(host);

        var response = await PostFeedbackAsync(http, presented);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Write_WithTheWriteToken_StoredAndListed()
    {
        await using var host = await StartAsync("0.0.0.0", new ApiAuthOptions { WriteToken = WriteToken });
        using var http = Client(host);

        var response = await PostFeedbackAsync(http, WriteToken);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/v1/feedback?job=cpu");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WriteToken);
        var listed = await http.SendAsync(list);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await listed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("\"kind\":\"not_anomaly\"", body, StringComparison.Ordinal);
        Assert.Contains("\"author\":\"ana\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-token-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData(ReadToken, HttpStatusCode.OK)]
    [InlineData(WriteToken, HttpStatusCode.OK)]
    public async Task Read_ReadTokenConfigured_RequiresReadOrWriteToken(string? presented, HttpStatusCode expected)
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions { WriteToken = WriteToken, ReadToken = ReadToken });
        using var http = Client(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/anomalies");
        if (presented is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", presented);
        }

        var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Read_OnlyWriteTokenConfigured_ReadsNeedIt()
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions { WriteToken = WriteToken });
        using var http = Client(host);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/anomalies")).StatusCode);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/")]
    public async Task PublicEndpoints_TokensConfigured_NeedNoToken(string path)
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions { WriteToken = WriteToken, ReadToken = ReadToken });
        using var http = Client(host);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Anomalies_ToBeforeFrom_400NamingTheField()
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions());
        using var http = Client(host);

        var response = await http.GetAsync("/api/v1/anomalies?from=2000&to=1000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("to: must not be before from", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_EmptyBody_400()
    {
        await using var host = await StartAsync("127.0.0.1", new ApiAuthOptions());
        using var http = Client(host);

        var response = await http.PostAsync("/api/v1/feedback", new StringContent(string.Empty, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void Policy_TokenTooShort_RejectedByTheConfiguration()
    {
        var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(Write("server:\n  write_token: short\n"), new Dictionary<string, string?>());

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith("server.write_token:", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoConfiguration_DemoListensOnLoopback()
    {
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(null, new Dictionary<string, string?>());

        Assert.Equal("127.0.0.1", options.Server.ListenAddress);
        Assert.True(ApiAuthPolicy.For(options).WritesOpen);
    }

    [Fact]
    public void Load_DemoWithExplicitListenAddress_KeepsIt()
    {
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(Write("server:\n  listen_address: 0.0.0.0\n"), new Dictionary<string, string?>());

        Assert.Equal("0.0.0.0", options.Server.ListenAddress);
        Assert.True(ApiAuthPolicy.For(options).WritesRefused);
    }

    private string Write(string yaml)
    {
        var path = _state.File("vigil.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private async Task<WebApplication> StartAsync(string address, ApiAuthOptions auth)
    {
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = address, Port = 0, StateDirectory = _state.Path, Auth = auth },
            Jobs = [],
            Logging = new LoggingOptions { Level = "Warning" },
        };
        var host = VigilHost.Build(options);
        await host.StartAsync();
        return host;
    }

    private static HttpClient Client(WebApplication host)
    {
        var port = new Uri(host.Urls.First()).Port;
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    private static Task<HttpResponseMessage> PostFeedbackAsync(HttpClient http, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = new StringContent(FeedbackBody, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }
}
