using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Web.Tests.Support;

/// <summary>
/// The real host (<see cref="VigilHost"/>) running the embedded demo on a free loopback port (port 0), with the
/// replay's fixed seed, accelerated so that a few seconds give every job scored points and the first episodes.
/// Started once every job has published a scored point, so pages have something to show.
/// </summary>
public sealed class DemoHost : IAsyncDisposable
{
    /// <summary>The demo's default seed, fixed so every run sees the same data.</summary>
    public const int Seed = 42;

    private DemoHost(WebApplication app, VerdictRecorder recorder)
    {
        App = app;
        Verdicts = recorder;
        BaseAddress = new Uri(app.Urls.First());
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every scored point every job published since start-up.</summary>
    public VerdictRecorder Verdicts { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    /// <summary>GETs <paramref name="path"/> without following redirects; any status is returned, not thrown.</summary>
    public async Task<Page> GetPageAsync(string path)
    {
        using var http = Client();
        using var response = await http.GetAsync(path);
        return new Page(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="path"/> and throws unless the status is a success: for pages that must render.</summary>
    public async Task<string> GetStringAsync(string path)
    {
        using var http = Client();
        return await http.GetStringAsync(path);
    }

    public static async Task<DemoHost> StartAsync(Func<ServerOptions, ServerOptions>? server = null, IReadOnlyList<JobOptions>? jobs = null, double speed = 600, string? modelPath = null)
    {
        var serverOptions = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) };
        // The embedded demo exactly as `vigil run` without configuration builds it (jobs, alerting to the log,
        // inspection of the replay data), on a free port, faster, quieter.
        var demo = new ConfigLoader(VigilDetectors.ForValidation()).Load(null, new Dictionary<string, string?>(StringComparer.Ordinal));
        var options = demo with
        {
            Server = server?.Invoke(serverOptions) ?? serverOptions,
            Replay = new ReplayOptions { Speed = speed, Seed = Seed },
            Jobs = jobs ?? [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1))],
            Logging = new LoggingOptions { Level = "Warning" },
            ModelPath = modelPath ?? demo.ModelPath,
        };
        var app = VigilHost.Build(options);
        var recorder = new VerdictRecorder([.. options.Jobs.Select(j => j.Name)]);
        app.Services.GetRequiredService<VerdictPublisher>().Subscribe(recorder);
        await app.StartAsync();
        try
        {
            await recorder.AllScored.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new DemoHost(app, recorder);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>One scored point as a subscriber of the verdict seam saw it.</summary>
public sealed record RecordedVerdict(string Job, string Series, long TimestampMs, double Value, Verdict Verdict);

/// <summary>Records every scored point and completes <see cref="AllScored"/> once each job has published one.</summary>
public sealed class VerdictRecorder(IReadOnlyCollection<string> jobs) : IVerdictSink
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _waiting = [.. jobs];
    private readonly List<RecordedVerdict> _points = [];
    private readonly TaskCompletionSource _allScored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    public Task AllScored => _allScored.Task;

    public void Publish(VerdictBatch batch)
    {
        lock (_gate)
        {
            foreach (var point in batch.Points)
            {
                if (point.Verdict.Kind != VerdictKind.Scored)
                {
                    continue;
                }

                _points.Add(new RecordedVerdict(batch.Source, point.Series.Labels.ToString(), point.TimestampMs, point.Value, point.Verdict));
                if (_waiting.Remove(batch.Source) && _waiting.Count == 0)
                {
                    _allScored.TrySetResult();
                }
            }

            foreach (var waiter in _waiters.Where(w => w.Condition()).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds, checked after every published batch (no polling timer).</summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add((condition, signal));
        }

        await signal.Task.WaitAsync(timeout);
    }

    public IReadOnlyList<RecordedVerdict> Of(string job, string series)
    {
        lock (_gate)
        {
            return [.. _points.Where(p => p.Job == job && p.Series == series)];
        }
    }
}
