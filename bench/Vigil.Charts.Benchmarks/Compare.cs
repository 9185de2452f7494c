using System.Diagnostics;
using System.Globalization;
using Vigil.Charts.Rendering;

namespace Vigil.Charts.Benchmarks;

/// <summary>
/// <c>compare [repeats]</c>: the same chart rendered by Vigil and by Debian's python3-matplotlib (bench/charts/
/// matplotlib_chart.py, run with /usr/bin/python3) in one run, back to back, each timed inside its own process after
/// a warm-up render (so neither pays interpreter or JIT start-up). Prints wall and CPU time per chart and PNG sizes.
/// </summary>
internal static class Compare
{
    public static int Run(int repeats, string script)
    {
        var data = ChartWorkload.Create();
        var options = new ChartImageOptions { Width = ChartWorkload.Width, Height = ChartWorkload.Height };
        var png = ChartRenderer.Render(data, options);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            png = ChartRenderer.Render(data, options);
        }

        wall.Stop();
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / repeats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vigil (ScottPlot {typeof(ScottPlot.Plot).Assembly.GetName().Version}): {wall.Elapsed.TotalMilliseconds / repeats:F1} ms wall, {cpuMs:F1} ms CPU per chart (includes GC threads), PNG {png.Length} bytes, {ChartWorkload.Points} points, {data.Anomalies.Count} anomalies"));
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "vigil-chart-bench-vigil.png"), png);

        var csv = ChartWorkload.WriteCsv(data);
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { script, csv, repeats.ToString(CultureInfo.InvariantCulture), Path.Combine(Path.GetTempPath(), "vigil-chart-bench-matplotlib.png") })
            {
                start.ArgumentList.Add(arg);
            }

            using var python = Process.Start(start) ?? throw new InvalidOperationException("/usr/bin/python3 did not start");
            var output = python.StandardOutput.ReadToEnd();
            var error = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Console.Write(output);
            if (python.ExitCode != 0)
            {
                Console.Error.WriteLine($"matplotlib script failed ({python.ExitCode}): {error}");
                return 1;
            }
        }
        finally
        {
            File.Delete(csv);
        }

        return 0;
    }
}
