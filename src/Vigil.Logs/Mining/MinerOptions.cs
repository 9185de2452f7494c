using System.Globalization;
using Vigil.Configuration;

namespace Vigil.Logs.Mining;

/// <summary>
/// The miner's settings. The defaults are the one configuration measured on every Loghub data set
/// (docs/benchmarks.md); they are meant to be left alone.
/// </summary>
public sealed record MinerOptions
{
    public const double DefaultSimilarityThreshold = 0.9;
    public const int DefaultMaxTemplates = 10_000;
    public const int DefaultMaxLineLength = 64 * 1024;
    public const int DefaultMaxTokens = 256;

    /// <summary>
    /// A line joins the most similar template of its shape when at least this fraction of positions hold the same
    /// token; differing positions then become <c>&lt;*&gt;</c>.
    /// </summary>
    public double SimilarityThreshold { get; init; } = DefaultSimilarityThreshold;

    /// <summary>Live templates kept; beyond it the least recently used one is evicted (and counted).</summary>
    public int MaxTemplates { get; init; } = DefaultMaxTemplates;

    /// <summary>Evicted templates remembered (text and id) so a template that comes back gets its id back.</summary>
    public int MaxEvictedRemembered { get; init; } = DefaultMaxTemplates;

    /// <summary>Characters of a message that are mined; the rest is cut off (and counted).</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>Tokens of a message that are mined; the rest becomes one trailing <c>&lt;*&gt;</c> (and is counted).</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Whether the value of every <c>key=value</c> token is a variable.</summary>
    public bool GeneraliseKeyValues { get; init; } = true;

    /// <summary>
    /// Whether only templates that start with the same token are compared. Messages usually start with a constant
    /// word (a verb, a component); the first token is masked like any other when it is a variable.
    /// </summary>
    public bool SplitByFirstToken { get; init; } = true;

    /// <summary>
    /// A template that has matched this many lines is no longer generalised: a line that differs from it in a constant
    /// word starts a new template (a word that stayed the same for that long is part of the message).
    /// </summary>
    public int FreezeAfterLines { get; init; } = DefaultFreezeAfterLines;

    public const int DefaultFreezeAfterLines = 16;

    /// <summary>Exact masked lines remembered for the fast path (a hash look-up instead of a similarity search).</summary>
    public int MaxCachedLines { get; init; } = 1 << 16;

    /// <summary>Every error in these options, one message each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(SimilarityThreshold is > 0 and <= 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"similarity_threshold: must be in (0, 1], got {SimilarityThreshold}"));
        }

        Positive(errors, "max_templates", MaxTemplates);
        Positive(errors, "max_line_length", MaxLineLength);
        Positive(errors, "max_tokens", MaxTokens);
        Positive(errors, "max_cached_lines", MaxCachedLines);
        Positive(errors, "freeze_after_lines", FreezeAfterLines);
        if (MaxEvictedRemembered < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"max_evicted_remembered: must be >= 0, got {MaxEvictedRemembered}"));
        }

        return errors;
    }

    /// <summary>Throws with every error listed when the options are invalid.</summary>
    public void EnsureValid()
    {
        ConfigException.ThrowIfInvalid("logs.miner", Validate());
    }

    private static void Positive(List<string> errors, string name, int value)
    {
        if (value <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be > 0, got {value}"));
        }
    }
}
