using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Offline;

namespace Vigil.Cli;

/// <summary><c>vigil logs mine</c>: mines log files offline and prints their templates, largest first.</summary>
internal static class LogsCommand
{
    /// <summary>Files at least this large get a progress bar.</summary>
    private const long ProgressBarBytes = 32L << 20;

    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("file") { Description = "Log files (.gz read as gzip).", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Header layout: auto, none, syslog, klog, json, logfmt, clf; loghub:<DataSet> (HDFS, BGL, ...); "
                + "or a LogPAI pattern such as '<Date> <Time> <Level>: <Content>'.",
            DefaultValueFactory = _ => "auto",
        };
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Write <out>/<file>_structured.csv (LineId,EventId,EventTemplate), the layout of the Loghub scorer." };
        var top = new Option<int>("--top") { Description = "Templates printed per file.", DefaultValueFactory = _ => 50 };
        var mine = new Command("mine", "Mine log templates from files with the default (one) configuration; print templates with counts, largest first.")
        {
            files, format, output, top,
        };
        mine.SetAction(parse => Run(parse.GetValue(files)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(top)));
        return new Command("logs", "Log template mining.") { mine };
    }

    private static int Run(FileInfo[] files, string format, DirectoryInfo? output, int top)
    {
        if (!TryCreateHeader(format, out var createHeader, out var error))
        {
            Console.Error.WriteLine($"--format: {error}");
            return CliEnvironment.InvalidConfig;
        }

        foreach (var file in files)
        {
            MinedFile mined;
            try
            {
                mined = Mine(file, createHeader(), keepLines: output is not null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Console.Error.WriteLine($"{file.FullName}: {ex.Message}");
                return CliEnvironment.Failure;
            }

            Print(mined, top);
            if (output is not null)
            {
                Directory.CreateDirectory(output.FullName);
                var path = Path.Combine(output.FullName, file.Name + "_structured.csv");
                using (var writer = new StreamWriter(path))
                {
                    mined.WritePredictions(writer);
                }

                AnsiConsole.MarkupLineInterpolated($"Per-line templates written to [bold]{path}[/]");
            }
        }

        return CliEnvironment.Ok;
    }

    private static MinedFile Mine(FileInfo file, HeaderParser header, bool keepLines)
    {
        using var lines = new LogFileLines(file.FullName);
        if (lines.Length < ProgressBarBytes || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return MinedFile.Mine(file.FullName, lines.Lines(), header, new MinerOptions(), keepLines);
        }

        MinedFile? mined = null;
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask(Markup.Escape(file.Name), maxValue: lines.Length);
            mined = MinedFile.Mine(file.FullName, lines.Lines(), header, new MinerOptions(), keepLines, _ => task.Value = lines.Position);
            task.Value = lines.Length;
        });
        return mined!;
    }

    private static bool TryCreateHeader(string format, out Func<HeaderParser> create, out string error)
    {
        error = "";
        if (format.StartsWith("loghub:", StringComparison.OrdinalIgnoreCase))
        {
            var name = format["loghub:".Length..];
            if (!LoghubFormats.All.TryGetValue(name, out var pattern))
            {
                create = () => new HeaderParser();
                error = $"unknown Loghub data set '{name}' (known: {string.Join(", ", LoghubFormats.DataSets)})";
                return false;
            }

            create = () => new HeaderParser(new PatternHeaderFormat(pattern));
            return true;
        }

        if (format.Contains("<Content>", StringComparison.Ordinal))
        {
            try
            {
                var parsed = new PatternHeaderFormat(format);
                create = () => new HeaderParser(parsed);
                return true;
            }
            catch (ArgumentException ex)
            {
                create = () => new HeaderParser();
                error = ex.Message;
                return false;
            }
        }

        if (HeaderParser.TryParseFormat(format, out var layout))
        {
            create = () => new HeaderParser(layout);
            return true;
        }

        create = () => new HeaderParser();
        error = $"unknown format '{format}': use auto, none, syslog, klog, json, logfmt, clf, loghub:<DataSet> or a pattern with <Content>";
        return false;
    }

    private static void Print(MinedFile mined, int top)
    {
        var templates = mined.TemplatesByCount();
        var table = new Table().Title(Markup.Escape(Path.GetFileName(mined.Path))).AddColumns("lines", "id", "template");
        table.Columns[0].RightAligned();
        foreach (var template in templates.Take(top))
        {
            table.AddRow(
                template.Count.ToString(CultureInfo.InvariantCulture),
                template.Id.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(template.Text));
        }

        AnsiConsole.Write(table);
        var stats = mined.Miner.Stats;
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{mined.Lines}[/] lines, [bold]{templates.Count}[/] templates ({Math.Min(top, templates.Count)} shown); {stats.EmptyLines} empty, {stats.TruncatedLines} truncated, {stats.TokenCappedLines} token-capped, {stats.TemplatesEvicted} templates evicted, {mined.UnparsedHeaders} lines without the given header");
    }
}
