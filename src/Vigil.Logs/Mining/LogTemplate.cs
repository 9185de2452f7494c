namespace Vigil.Logs.Mining;

/// <summary>
/// A mined template: tokens separated by single spaces, variables written <c>&lt;*&gt;</c> (a token such as
/// <c>(HWID=&lt;*&gt;)</c> keeps its constant punctuation). The id never changes, across merges, restarts and evictions.
/// </summary>
public sealed class LogTemplate
{
    public const string Wildcard = "<*>";

    private string? _text;

    internal LogTemplate(long id, string[] tokens, string bucketKey)
    {
        Id = id;
        Tokens = tokens;
        BucketKey = bucketKey;
    }

    /// <summary>Stable id, assigned when the template is first seen.</summary>
    public long Id { get; }

    /// <summary>Lines matched since the template was created (or restored).</summary>
    public long Count { get; internal set; }

    /// <summary>The template text.</summary>
    public string Text => _text ??= string.Join(' ', Tokens);

    internal string[] Tokens { get; }

    /// <summary>The similarity bucket (token count and first token) the template lives in.</summary>
    internal string BucketKey { get; }

    /// <summary>Index in the live table, or -1 when evicted (kept only as a remembered id).</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>Miner sequence number of the last line that matched: the LRU clock.</summary>
    internal long LastUsed { get; set; }

    internal void SetWildcard(int position)
    {
        Tokens[position] = Wildcard;
        _text = null;
    }

    public override string ToString() => Text;
}

/// <summary>What mining one line did.</summary>
public enum MineOutcome : byte
{
    /// <summary>The line matched a template unchanged.</summary>
    Matched,
    /// <summary>The line matched a template and generalised it (some positions became variables).</summary>
    Generalised,
    /// <summary>A new template (with a new id).</summary>
    Created,
    /// <summary>A template evicted earlier came back, with its old id.</summary>
    Revived,
}

/// <summary>The template a line belongs to, and what mining it did.</summary>
public readonly record struct MineResult(LogTemplate Template, MineOutcome Outcome);

/// <summary>Counters of one miner. Lines = every line given, including empty, truncated and capped ones.</summary>
public sealed class MinerStats
{
    public long Lines { get; internal set; }
    public long EmptyLines { get; internal set; }
    public long TruncatedLines { get; internal set; }
    public long TokenCappedLines { get; internal set; }
    public long TemplatesCreated { get; internal set; }
    public long TemplatesEvicted { get; internal set; }
    public long TemplatesRevived { get; internal set; }
}
