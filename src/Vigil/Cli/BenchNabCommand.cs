using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Backtesting.Nab;
using Vigil.Core.Detection;

namespace Vigil.Cli;

/// <summary><c>vigil bench nab</c>: runs a detector over a NAB-layout directory and writes results the NAB scorer reads.</summary>
internal static class BenchNabCommand
{
    private const int Ok = CliEnvironment.Ok;
    private const int Failure = CliEnvironment.Failure;
    private const int Usage = CliEnvironment.InvalidConfig;

    /// <summary>The <c>bench</c> command with its <c>nab</c> subcommand.</summary>
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB-layout directory: <dir>/data/<category>/<file>.csv (or the data/ folder itself).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Results directory: <out>/<category>/<file>.csv with timestamp,anomaly_score.", Required = true };
        var detector = new Option<string>("--detector", "-d") { Description = "Detector type (auto, robust, ewma, seasonal, holt_winters, rolling_sigma).", DefaultValueFactory = _ => "auto" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Detector parameter as name=value, repeatable. Parameters are global: the same for every file." };
        var nab = new Command("nab", "Stream every CSV of a NAB data directory through a detector and write per-file scores, "
            + "mapped to [0, 1] as s / (1 + s) so Vigil's alert threshold (score > 1) is 0.5. When the directory holds NAB labels, "
            + "prints the three NAB scores at the optimised threshold and at score > 1 (reference: ../shared/bench/nab/nabscore.py).")
        {
            data, output, detector, parameters,
        };
        nab.SetAction(parse => Run(parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(detector)!, parse.GetValue(parameters) ?? []));
        return new Command("bench", "Accuracy benchmarks on public labelled data.") { nab };
    }

    private static int Run(DirectoryInfo data, DirectoryInfo output, string type, string[] parameterTexts)
    {
        if (!TryParseParameters(parameterTexts, out var parameters))
        {
            return Usage;
        }

        var registry = DetectorRegistry.CreateDefault();
        var spec = new DetectorSpec(type, parameters);
        var errors = registry.Validate(spec);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"detector.{error}");
            }

            return Usage;
        }

        NabBenchmarkResult result;
        try
        {
            result = NabBenchmark.Run(data.FullName, output.FullName, registry.Create(spec));
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench nab: {ex.Message}");
            return Failure;
        }

        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{type}[/]: {result.Files} files, {result.Points} points in {result.DetectionTime.TotalMilliseconds:F0} ms; results in [bold]{output.FullName}[/]");
        if (result.Optimised is { } optimised && result.AtDefaultThreshold is { } atDefault)
        {
            var table = new Table().AddColumns("profile", "optimised", "threshold", "windows", "FP", "score > 1", "windows", "FP");
            foreach (var (best, fixedThreshold) in optimised.Zip(atDefault))
            {
                table.AddRow(
                    best.Profile,
                    best.Normalized.ToString("F2", CultureInfo.InvariantCulture),
                    best.Threshold.ToString("F4", CultureInfo.InvariantCulture),
                    $"{best.Detected}/{best.Windows}",
                    best.FalsePositives.ToString(CultureInfo.InvariantCulture),
                    fixedThreshold.Normalized.ToString("F2", CultureInfo.InvariantCulture),
                    $"{fixedThreshold.Detected}/{fixedThreshold.Windows}",
                    fixedThreshold.FalsePositives.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Scored in-process by the C# port; the reference is [bold]python3 ../shared/bench/nab/nabscore.py <out>[/].");
        }

        return Ok;
    }

    private static bool TryParseParameters(string[] texts, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                Console.Error.WriteLine($"--param: '{text}' must look like name=value");
                return false;
            }

            parameters[text[..eq].Trim()] = text[(eq + 1)..].Trim();
        }

        return true;
    }
}
