using System.Globalization;
using System.Text;
using Vigil.Logs.Mining;

namespace Vigil.Logs.Offline;

/// <summary>
/// Mines a whole file offline (<c>vigil logs mine</c>, the Loghub benchmark): one miner, every line in order, and the
/// template of each line as it stands after the last line (so lines mined before a template was generalised report
/// its final text, as the benchmark's ground truth does).
/// </summary>
public sealed class MinedFile
{
    private readonly LogTemplate?[] _lineTemplates;

    private MinedFile(string path, TemplateMiner miner, LogTemplate?[] lineTemplates, int unparsedHeaders)
    {
        Path = path;
        Miner = miner;
        _lineTemplates = lineTemplates;
        UnparsedHeaders = unparsedHeaders;
    }

    public string Path { get; }

    public TemplateMiner Miner { get; }

    public int Lines => _lineTemplates.Length;

    /// <summary>Lines whose header did not match the given format (mined whole).</summary>
    public int UnparsedHeaders { get; }

    /// <summary>Mines the lines of a file; <paramref name="progress"/> gets the count of lines done now and then.</summary>
    public static MinedFile Mine(string path, IReadOnlyList<string> lines, Func<string, ReadOnlyMemory<char>?> message, MinerOptions options, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(message);
        var miner = new TemplateMiner(options);
        var templates = new LogTemplate?[lines.Count];
        var unparsed = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var content = message(lines[i]);
            if (content is null)
            {
                unparsed++;
            }

            templates[i] = miner.Add((content ?? lines[i].AsMemory()).Span).Template;
            if (progress is not null && (i & 0xFFFF) == 0xFFFF)
            {
                progress(i + 1);
            }
        }

        progress?.Invoke(lines.Count);
        return new MinedFile(path, miner, templates, unparsed);
    }

    /// <summary>Writes <c>LineId,EventId,EventTemplate</c>, the layout the Loghub scorer reads (LineId from 1).</summary>
    public void WritePredictions(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("LineId,EventId,EventTemplate\n");
        var line = new StringBuilder();
        for (var i = 0; i < _lineTemplates.Length; i++)
        {
            var template = _lineTemplates[i]!;
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"{i + 1},T{template.Id},");
            AppendCsvField(line, template.Text);
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>Templates with the number of lines of this file in each, largest first.</summary>
    public IReadOnlyList<(LogTemplate Template, int Lines)> TemplatesByCount() =>
        _lineTemplates.GroupBy(t => t!).Select(g => (g.Key!, g.Count())).OrderByDescending(p => p.Item2).ThenBy(p => p.Item1.Id).ToList();

    internal static void AppendCsvField(StringBuilder builder, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            builder.Append(value);
            return;
        }

        builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
