using System.Globalization;
using System.Text;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;

namespace Vigil.Logs.Offline;

/// <summary>
/// Mines a whole file offline (<c>vigil logs mine</c>, the Loghub benchmark): one miner, every line in order, and the
/// template of each line as it stands after the last line (so lines mined before a template was generalised report
/// its final text, as the benchmark's ground truth does).
/// </summary>
public sealed class MinedFile
{
    private readonly LogTemplate[] _lineTemplates;

    private MinedFile(string path, TemplateMiner miner, LogTemplate[] lineTemplates, int unparsedHeaders)
    {
        Path = path;
        Miner = miner;
        _lineTemplates = lineTemplates;
        UnparsedHeaders = unparsedHeaders;
    }

    public string Path { get; }

    public TemplateMiner Miner { get; }

    /// <summary>Lines mined.</summary>
    public long Lines => Miner.Stats.Lines;

    /// <summary>Lines whose header did not match the given format (mined whole).</summary>
    public int UnparsedHeaders { get; }

    /// <summary>
    /// Mines lines in order; <paramref name="progress"/> is called every 65,536 lines with the count done. With
    /// <paramref name="keepLines"/> false only the templates are kept (a file of any size), and no predictions can be written.
    /// </summary>
    public static MinedFile Mine(string path, IEnumerable<string> lines, HeaderParser header, MinerOptions options, bool keepLines = true, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(header);
        var miner = new TemplateMiner(options);
        var templates = new List<LogTemplate>();
        long count = 0;
        foreach (var line in lines)
        {
            var template = miner.Add(header.Message(line)).Template;
            if (keepLines)
            {
                templates.Add(template);
            }

            if ((++count & 0xFFFF) == 0)
            {
                progress?.Invoke(count);
            }
        }

        progress?.Invoke(count);
        return new MinedFile(path, miner, [.. templates], (int)header.Unparsed);
    }

    /// <summary>Writes <c>LineId,EventId,EventTemplate</c>, the layout the Loghub scorer reads (LineId from 1).</summary>
    public void WritePredictions(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_lineTemplates.Length != Lines)
        {
            throw new InvalidOperationException("The file was mined without keeping per-line templates.");
        }

        writer.Write("LineId,EventId,EventTemplate\n");
        var line = new StringBuilder();
        for (var i = 0; i < _lineTemplates.Length; i++)
        {
            var template = _lineTemplates[i];
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"{i + 1},T{template.Id},");
            AppendCsvField(line, template.Text);
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>Live templates, largest count first.</summary>
    public IReadOnlyList<LogTemplate> TemplatesByCount() => [.. Miner.Templates.OrderByDescending(t => t.Count).ThenBy(t => t.Id)];

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
