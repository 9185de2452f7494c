using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Inspection;

namespace Vigil.Tests.Hosting;

/// <summary>
/// The README's demo (`vigil run` with nothing configured) inspects the replay data: the first round's report is on
/// <c>/api/v1/inspections/latest</c> within seconds. The test waits on the inspector's round signal, never on the clock.
/// </summary>
public sealed class InspectionHostTests
{
    [Fact]
    public async Task EmbeddedDemo_FirstRound_ReportServedByLatestAndList()
    {
        // Exactly what `vigil run` loads with no file and no variables, on a free port.
        var options = new ConfigLoader(DetectorRegistry.CreateDefault()).Load(null, new Dictionary<string, string?> { ["LISTEN_PORT"] = "0" });
        options = options with { Logging = new LoggingOptions { Level = "Warning" } };
        Assert.True(options.IsEmbeddedDemo);
        Assert.NotNull(options.Inspection);

        var host = VigilHost.Build(options);
        await using var _ = host;
        var finished = new TaskCompletionSource<InspectionRoundReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<Inspector>().RoundFinished += r => finished.TrySetResult(r);
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        // "Within a minute" of the demo command: the bound is the promise, not a sleep.
        var round = await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var latest = JsonDocument.Parse(await http.GetStringAsync("/api/v1/inspections/latest"));
        using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/inspections"));
        var metrics = await http.GetStringAsync("/metrics");
        using var backwards = await http.GetAsync(new Uri("/api/v1/inspections?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", UriKind.Relative));
        using var badLimit = await http.GetAsync(new Uri("/api/v1/inspections?limit=0", UriKind.Relative));
        await host.StopAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("{\"error\":\"to: must not be before from\"}", await backwards.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badLimit.StatusCode);

        var root = latest.RootElement;
        // The demo's replay clock is fast: under load a later round may have finished before the request, so
        // "latest" is the first round or one after it (round ids start with the round's UTC time).
        Assert.True(string.CompareOrdinal(root.GetProperty("round_id").GetString(), round.RoundId) >= 0, $"latest {root.GetProperty("round_id").GetString()} is older than the first round {round.RoundId}");
        Assert.False(root.GetProperty("shadow").GetBoolean());
        // Three replay metrics, three services each: every series is inspected by both metric sensors.
        Assert.Equal(9, root.GetProperty("sensors").GetProperty("baseline").GetProperty("inspected").GetInt32());
        Assert.Equal(9, root.GetProperty("sensors").GetProperty("trend").GetProperty("inspected").GetInt32());
        Assert.Equal("ok", root.GetProperty("sensors").GetProperty("baseline").GetProperty("status").GetString());
        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        Assert.Contains(list.RootElement.GetProperty("items").EnumerateArray(), r => r.GetProperty("round_id").GetString() == round.RoundId);
        Assert.Contains("vigil_inspection_rounds_total{outcome=\"ok\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_inspection_shadow_mode 0", metrics, StringComparison.Ordinal);
    }
}
