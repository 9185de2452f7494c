using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Backtesting;
using Vigil.Core.Detection;
using Vigil.Export.Pushgateway;

namespace Vigil.Cli;

internal static class DetectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV of timestamp,value rows (header optional; ISO-8601 or Unix timestamps)." };
        var detectorOption = new Option<string>("--detector", "-d") { Description = "Detector type.", DefaultValueFactory = _ => DetectorSpec.Default.Type };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Detector parameter as name=value, repeatable (e.g. -p window=60 -p k=3).", AllowMultipleArgumentsPerToken = false };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write per-point scores (timestamp,value,anomaly_score,expected,lower,upper,status,test) here: one row per input row; status is ok, anomaly, warmup (not yet trusted), invalid, out_of_order, duplicate or unparseable." };
        var command = new Command("detect", "Score a timestamp,value CSV offline, as the live loop would, and list the anomalies.") { file, detectorOption, parameters, output };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(detectorOption)!, parse.GetValue(parameters) ?? [], parse.GetValue(output)));
        return command;
    }

    private static int Run(FileInfo file, string type, string[] parameterTexts, FileInfo? output)
    {
        if (DetectorArguments.TryCreate(DetectorRegistry.CreateDefault(), type, parameterTexts) is not { } detector)
        {
            return CliEnvironment.InvalidConfig;
        }

        TimeSeriesData data;
        try
        {
            data = TimeSeriesCsv.Read(file.FullName);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            Console.Error.WriteLine($"{file.FullName}: {ex.Message}");
            return CliEnvironment.Failure;
        }

        var report = OfflineDetection.Run(data, detector);
        Print(report, detector.Type);
        BatchRun.Current?.Record("vigil_batch_rows", "Input rows by status (ok, anomaly, warmup, invalid, out_of_order, duplicate, unparseable).", "status",
            report.StatusCounts().Select(c => KeyValuePair.Create(c.Status, (double)c.Count)));
        BatchRun.Current?.Record("vigil_batch_anomalies", "Points that scored above 1.", report.AnomalyIndexes.Count());
        if (output is not null)
        {
            using var writer = new StreamWriter(output.FullName);
            OfflineDetection.WriteScores(report, writer);
            AnsiConsole.MarkupLineInterpolated($"Scores written to [bold]{output.FullName}[/]");
        }

        return CliEnvironment.Ok;
    }

    private static void Print(DetectionReport report, string detectorType)
    {
        var table = new Table().Title($"Anomalies in {report.Data.Name}").AddColumns("timestamp (UTC)", "value", "expected", "band", "score");
        var data = report.Data;
        foreach (var i in report.AnomalyIndexes)
        {
            var v = report.Verdicts[i];
            table.AddRow(
                DateTimeOffset.FromUnixTimeMilliseconds(data.TimestampsMs[i]).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Format(data.Values[i]),
                Format(v.Expected),
                Markup.Escape($"[{Format(v.Lower)}, {Format(v.Upper)}]"),
                v.Score.ToString("F2", CultureInfo.InvariantCulture));
        }

        var anomalies = report.AnomalyIndexes.Count();
        if (anomalies > 0)
        {
            AnsiConsole.Write(table);
        }

        var statuses = string.Join(", ", report.StatusCounts().Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Status} {c.Count}")));
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{data.Name}[/]: {data.Count + data.Skipped.Count} rows ({statuses}); [bold]{anomalies}[/] anomalous (score > 1) with detector {detectorType}");
        if (report.Warmup > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{report.Warmup} warm-up verdicts: the detector was not mature yet, their scores mean nothing (status warmup).");
        }

        if (data.Skipped.Count > 0)
        {
            // Skipped rows never stop a run (Prometheus drops such samples too), but a user must know they were dropped.
            AnsiConsole.MarkupLineInterpolated($"[yellow]{SkippedRow.Summarise(data.Skipped)}[/]");
        }
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
