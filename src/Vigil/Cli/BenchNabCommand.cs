using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Backtesting.Nab;
using Vigil.Core.Detection;
using Vigil.Export.Pushgateway;

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
        var points = new Option<bool>("--points") { Description = "Score every row with its own score instead of onset events only (the reported figure scores onsets: what would page a human)." };
        var loco = new Option<bool>("--loco") { Description = "Leave-one-category-out cross-validation over the detector's parameter grid: print every fold and the mean (standard profile, score > 1, onset events)." };
        var nab = new Command("nab", "Stream every CSV of a NAB data directory through a detector and write per-file scores, "
            + "mapped to [0, 1] as s / (1 + s) so Vigil's alert threshold (score > 1) is 0.5. By default only the onset row of each anomaly "
            + "episode carries its score (one incident, one page), every other row 0. When the directory holds NAB labels, "
            + "prints the three NAB scores at the optimised threshold and at score > 1 (reference: ../shared/bench/nab/nabscore.py).")
        {
            data, output, detector, parameters, points, loco,
        };
        nab.SetAction(parse => parse.GetValue(loco)
            ? RunCrossValidation(parse.GetValue(data)!, parse.GetValue(detector)!, parse.GetValue(parameters) ?? [])
            : Run(parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(detector)!, parse.GetValue(parameters) ?? [], parse.GetValue(points) ? NabScoring.Point : NabScoring.Onset));
        return new Command("bench", "Accuracy benchmarks on public labelled data.") { nab };
    }

    private static int RunCrossValidation(DirectoryInfo data, string type, string[] parameterTexts)
    {
        var registry = DetectorRegistry.CreateDefault();
        if (DetectorArguments.TryCreate(registry, type, parameterTexts) is null)
        {
            return Usage;
        }

        var root = NabBenchmark.LabelsRoot(data.FullName);
        if (root is null)
        {
            Console.Error.WriteLine($"bench nab --loco: no NAB labels (labels/combined_windows.json, config/profiles.json) at or above '{data.FullName}'.");
            return Failure;
        }

        NabCrossValidationResult result;
        var grid = NabCrossValidation.DefaultGrid(type);
        try
        {
            var corpus = NabCorpus.Load(root);
            result = NabCrossValidation.Run(corpus, grid, point =>
            {
                // Grid values override the fixed -p parameters of the same name.
                var merged = ParseFixed(parameterTexts);
                foreach (var (key, value) in point)
                {
                    merged[key] = value;
                }

                return registry.Create(new DetectorSpec(type, merged));
            });
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench nab --loco: {ex.Message}");
            return Failure;
        }

        var table = new Table().AddColumns("held out", "chosen on the others", "train", "held out @ > 1", "windows", "FP");
        foreach (var fold in result.Folds)
        {
            table.AddRow(
                fold.HeldOut,
                Markup.Escape(Describe(fold.Chosen)),
                fold.TrainScore.ToString("F2", CultureInfo.InvariantCulture),
                fold.HeldOutScore.Normalized.ToString("F2", CultureInfo.InvariantCulture),
                $"{fold.HeldOutScore.Detected}/{fold.HeldOutScore.Windows}",
                fold.HeldOutScore.FalsePositives.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{type}[/]: leave-one-category-out mean [bold]{result.MeanHeldOut:F2}[/] over the {result.Folds.Count(f => double.IsFinite(f.HeldOutScore.Normalized))} folds with labelled windows, {result.GridPoints} grid points (standard profile, score > 1, onset events).");
        AnsiConsole.MarkupLineInterpolated($"Best on all categories: {Describe(result.BestOnAll)} → {result.BestOnAllScore:F2}");
        return Ok;
    }

    // Already validated by DetectorArguments.TryCreate above, so every text is name=value.
    private static Dictionary<string, string> ParseFixed(string[] texts)
        => texts.Select(t => t.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);

    private static string Describe(IReadOnlyDictionary<string, string> parameters)
        => string.Join(' ', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static int Run(DirectoryInfo data, DirectoryInfo output, string type, string[] parameterTexts, NabScoring scoring)
    {
        if (DetectorArguments.TryCreate(DetectorRegistry.CreateDefault(), type, parameterTexts) is not { } detector)
        {
            return Usage;
        }

        NabBenchmarkResult result;
        try
        {
            result = NabBenchmark.Run(data.FullName, output.FullName, detector, scoring);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench nab: {ex.Message}");
            return Failure;
        }

        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{type}[/]: {result.Files} files, {result.Points} points in {result.DetectionTime.TotalMilliseconds:F0} ms; results in [bold]{output.FullName}[/] ({(scoring == NabScoring.Onset ? "onset events" : "every point")})");
        if (result.Optimised is { } optimised && result.AtDefaultThreshold is { } atDefault)
        {
            BatchRun.Current?.Record("vigil_batch_nab_score", "NAB normalised score at score > 1 (onset events unless --points), by profile.", "profile",
                atDefault.Select(p => KeyValuePair.Create(p.Profile, p.Normalized)));
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
}
