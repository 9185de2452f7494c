using System.Globalization;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Offline;

namespace Vigil.Logs.Benchmarks;

/// <summary>The eight Loghub-2k data sets of ../shared/bench/loghub and their header layouts (loghub_formats.py).</summary>
internal static class Loghub
{
    public static IReadOnlyDictionary<string, string> Formats => LoghubFormats.All;

    public static string DataDirectory { get; set; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/bench/loghub/data"));

    public static string LogPath(string dataset) => Path.Combine(DataDirectory, dataset, dataset + "_2k.log");

    /// <summary>Content of every line of a data set (header removed with its layout).</summary>
    public static string[] Contents(string dataset)
    {
        var format = new PatternHeaderFormat(Formats[dataset]);
        return File.ReadAllLines(LogPath(dataset)).Select(l => format.TryGetMessage(l, out var m) ? m.ToString() : l).ToArray();
    }

    /// <summary>`loghub <out> [name=value...]`: writes one prediction file per data set for logscore.py.</summary>
    public static int Run(string[] args)
    {
        var output = args[0];
        var options = new MinerOptions();
        foreach (var arg in args.Skip(1))
        {
            var (name, value) = (arg[..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..]);
            options = name switch
            {
                "threshold" => options with { SimilarityThreshold = double.Parse(value, CultureInfo.InvariantCulture) },
                "kv" => options with { GeneraliseKeyValues = bool.Parse(value) },
                "first" => options with { SplitByFirstToken = bool.Parse(value) },
                "freeze" => options with { FreezeAfterLines = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException("unknown option " + name),
            };
        }

        Directory.CreateDirectory(output);
        foreach (var dataset in LoghubFormats.DataSets)
        {
            var header = new HeaderParser(new PatternHeaderFormat(Formats[dataset]));
            var mined = MinedFile.Mine(LogPath(dataset), File.ReadAllLines(LogPath(dataset)), header, options);
            using var writer = new StreamWriter(Path.Combine(output, dataset + ".csv"));
            mined.WritePredictions(writer);
        }

        return 0;
    }
}
