using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Prometheus;

namespace Vigil.Benchmarks;

/// <summary>
/// CPU and bytes allocated per series for reading one range from a live Prometheus (the scale benchmark's, say), by
/// protocol: the query API with and without gzip, and remote-read with two look-back deltas. The process' own CPU
/// (<see cref="Process.TotalProcessorTime"/>) around repeated reads, so it is the source's whole cost on Vigil's side
/// (HTTP, decompression, parsing, the batch), without Prometheus' and without scoring.
/// </summary>
internal static class SourceCost
{
    public static void Run(string[] args)
    {
        // source <prometheus url> <selector> [steps] [repetitions] [step seconds]
        var url = new Uri(args[1]);
        var query = args[2];
        var steps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        var repetitions = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
        var step = TimeSpan.FromSeconds(args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 30);
        var defaults = new PrometheusClientOptions { BaseUrl = url, Timeout = TimeSpan.FromMinutes(5), MaxRetries = 0 };
        (string Label, PrometheusClientOptions Options)[] variants =
        [
            ("query API, gzip", defaults),
            ("query API, no gzip", defaults with { Compression = false }),
            ("remote_read, lookback 5m", defaults with { Protocol = PrometheusProtocol.RemoteRead }),
            ("remote_read, lookback 1m", defaults with { Protocol = PrometheusProtocol.RemoteRead, LookbackDelta = TimeSpan.FromMinutes(1) }),
        ];

        Console.WriteLine("| source | series | samples | CPU µs per series | wall ms per read | allocated per read |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var process = Process.GetCurrentProcess();
        foreach (var (label, options) in variants)
        {
            using var http = new HttpClient(PrometheusHttpHandler.Create(options));
            var client = new PrometheusClient(http, options, NullLogger<PrometheusClient>.Instance, TimeProvider.System);
            var end = DateTimeOffset.FromUnixTimeSeconds((TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 30 * 30) - 60);
            var start = end - (step * (steps - 1));
            int series = 0, samples = 0;
            for (var warm = 0; warm < 2; warm++)
            {
                client.QueryRangeAsync(query, start, end, step, CancellationToken.None).GetAwaiter().GetResult().Release();
            }

            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < repetitions; i++)
            {
                var batch = client.QueryRangeAsync(query, start, end, step, CancellationToken.None).GetAwaiter().GetResult();
                (series, samples) = (batch.SeriesCount, batch.SampleCount);
                batch.Release();
            }

            wall.Stop();
            process.Refresh();
            var cpuUs = (process.TotalProcessorTime - cpu).TotalMicroseconds / repetitions / Math.Max(1, series);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {series:N0} | {samples:N0} | {cpuUs:F2} | {wall.Elapsed.TotalMilliseconds / repetitions:F0} | {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / repetitions:N0} B |"));
        }
    }
}
