using System.Globalization;

namespace Vigil.Logs.Mining;

/// <summary>
/// An online, Drain-class log template miner. One instance per log source; not thread-safe (sources mine in parallel,
/// each with its own miner).
/// </summary>
/// <remarks>
/// <para>Per line: the message is split on whitespace and every token is classified by hand-written scanners
/// (<see cref="TokenClassifier"/>); variables become <c>&lt;*&gt;</c> and runs of them collapse into one, so a variable
/// that spans a varying number of tokens does not split a template (Drain3 issue #66). The masked line is then looked
/// up exactly in a cache (the steady-state path: one hash look-up, no allocation). On a miss the line is compared with
/// the templates of its shape (token count and first token, as Drain's fixed-depth tree does): the most similar one at
/// or above <see cref="MinerOptions.SimilarityThreshold"/> takes it and its differing positions become variables;
/// otherwise a new template is created.</para>
/// <para>Bounded: at most <see cref="MinerOptions.MaxTemplates"/> live templates (LRU eviction); evicted ones are
/// remembered by text and id so they come back with the same id.</para>
/// </remarks>
public sealed class TemplateMiner
{
    private readonly MinerOptions _options;
    private readonly Dictionary<string, List<LogTemplate>> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LogTemplate> _cache;
    private readonly Dictionary<string, LogTemplate>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private readonly LogTemplate?[] _slots;
    private readonly Stack<int> _freeSlots = new();
    private readonly Queue<(LogTemplate Template, long EvictedAt)> _evicted = new();
    private readonly Dictionary<long, LogTemplate> _byId = [];
    private int _usedSlots;
    private long _sequence;
    private long _nextId = 1;

    // Reused per line: the masked text and where each token starts in it.
    private char[] _masked = new char[256];
    private int _maskedLength;
    private readonly int[] _tokenStart;
    private readonly int[] _tokenLength;

    public TemplateMiner(MinerOptions? options = null)
    {
        _options = options ?? new MinerOptions();
        _options.EnsureValid();
        _slots = new LogTemplate?[_options.MaxTemplates];
        _cache = new Dictionary<string, LogTemplate>(StringComparer.Ordinal);
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokenStart = new int[_options.MaxTokens + 1];
        _tokenLength = new int[_options.MaxTokens + 1];
    }

    public MinerOptions Options => _options;

    public MinerStats Stats { get; } = new();

    /// <summary>Live templates (evicted ones excluded).</summary>
    public int TemplateCount => _usedSlots;

    /// <summary>Live templates, in no particular order.</summary>
    public IEnumerable<LogTemplate> Templates => _slots.Where(t => t is not null)!;

    /// <summary>A live or remembered template by id.</summary>
    public LogTemplate? Find(long id) => _byId.GetValueOrDefault(id);

    /// <summary>Mines one message (the part of a log line after its header).</summary>
    public MineResult Add(ReadOnlySpan<char> message)
    {
        _sequence++;
        Stats.Lines++;
        if (message.Length > _options.MaxLineLength)
        {
            message = message[.._options.MaxLineLength];
            Stats.TruncatedLines++;
        }

        var tokens = Mask(message, out var capped);
        if (tokens == 0)
        {
            Stats.EmptyLines++;
        }

        if (capped)
        {
            Stats.TokenCappedLines++;
        }

        var masked = _masked.AsSpan(0, _maskedLength);
        if (_cacheLookup.TryGetValue(masked, out var cached) && cached.Slot >= 0)
        {
            cached.Count++;
            cached.LastUsed = _sequence;
            return new MineResult(cached, MineOutcome.Matched);
        }

        var result = Search(tokens);
        if (_cache.Count >= _options.MaxCachedLines)
        {
            // Unbounded distinct lines (free-text variables) must not grow memory; the cache refills from hits.
            _cache.Clear();
        }

        _cache[masked.ToString()] = result.Template;
        return result;
    }

    private MineResult Search(int tokens)
    {
        var bucketKey = BucketKey(tokens);
        if (!_buckets.TryGetValue(bucketKey, out var bucket))
        {
            bucket = [];
            _buckets.Add(bucketKey, bucket);
        }

        LogTemplate? best = null;
        var bestSimilarity = -1.0;
        foreach (var candidate in bucket)
        {
            var similarity = Similarity(candidate.Tokens, tokens, out var changes);
            if (changes && candidate.Count >= _options.FreezeAfterLines)
            {
                // A position that held the same word for many lines is a constant: a line with another word there is
                // another message, not a new value of a variable.
                continue;
            }

            if (similarity > bestSimilarity || (similarity == bestSimilarity && best!.Slot < 0 && candidate.Slot >= 0))
            {
                best = candidate;
                bestSimilarity = similarity;
            }
        }

        if (best is not null && bestSimilarity >= _options.SimilarityThreshold)
        {
            var outcome = MineOutcome.Matched;
            if (best.Slot < 0)
            {
                Place(best);
                Stats.TemplatesRevived++;
                outcome = MineOutcome.Revived;
            }

            for (var i = 0; i < tokens; i++)
            {
                if (best.Tokens[i] != LogTemplate.Wildcard && !TokenSpan(i).SequenceEqual(best.Tokens[i]))
                {
                    best.SetWildcard(i);
                    outcome = outcome == MineOutcome.Revived ? outcome : MineOutcome.Generalised;
                }
            }

            best.Count++;
            best.LastUsed = _sequence;
            return new MineResult(best, outcome);
        }

        var created = new string[tokens];
        for (var i = 0; i < tokens; i++)
        {
            created[i] = TokenSpan(i).ToString();
        }

        var template = new LogTemplate(_nextId++, created, bucketKey) { Count = 1, LastUsed = _sequence };
        bucket.Add(template);
        _byId[template.Id] = template;
        Place(template);
        Stats.TemplatesCreated++;
        return new MineResult(template, MineOutcome.Created);
    }

    /// <summary>Share of positions holding the same token (a variable only matches a variable).</summary>
    private double Similarity(string[] template, int tokens, out bool changes)
    {
        changes = false;
        if (tokens == 0)
        {
            return 1.0;
        }

        var same = 0;
        for (var i = 0; i < tokens; i++)
        {
            if (TokenSpan(i).SequenceEqual(template[i]))
            {
                same++;
            }
            else if (template[i] != LogTemplate.Wildcard)
            {
                changes = true;
            }
        }

        return (double)same / tokens;
    }

    private string BucketKey(int tokens) =>
        _options.SplitByFirstToken && tokens > 0
            ? string.Concat(tokens.ToString(CultureInfo.InvariantCulture), " ", TokenSpan(0))
            : tokens.ToString(CultureInfo.InvariantCulture);

    private static string BucketKey(string[] tokens, bool splitByFirst) =>
        splitByFirst && tokens.Length > 0
            ? string.Concat(tokens.Length.ToString(CultureInfo.InvariantCulture), " ", tokens[0])
            : tokens.Length.ToString(CultureInfo.InvariantCulture);

    private ReadOnlySpan<char> TokenSpan(int i) => _masked.AsSpan(_tokenStart[i], _tokenLength[i]);

    private void Place(LogTemplate template)
    {
        if (_usedSlots == _slots.Length)
        {
            EvictLeastRecentlyUsed();
        }

        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _usedSlots;
        _slots[slot] = template;
        template.Slot = slot;
        _usedSlots++;
    }

    private void EvictLeastRecentlyUsed()
    {
        var victim = 0;
        for (var i = 1; i < _slots.Length; i++)
        {
            if (_slots[i]!.LastUsed < _slots[victim]!.LastUsed)
            {
                victim = i;
            }
        }

        var template = _slots[victim]!;
        _slots[victim] = null;
        _freeSlots.Push(victim);
        _usedSlots--;
        template.Slot = -1;
        template.Count = 0;
        Stats.TemplatesEvicted++;
        Remember(template, _sequence);
    }

    private void Remember(LogTemplate template, long evictedAt)
    {
        _evicted.Enqueue((template, evictedAt));
        template.LastUsed = evictedAt;
        while (_evicted.Count > _options.MaxEvictedRemembered)
        {
            var (oldest, at) = _evicted.Dequeue();
            // Skip entries for templates that came back (and maybe left again later): only the latest eviction counts.
            if (oldest.Slot < 0 && oldest.LastUsed == at)
            {
                _buckets[oldest.BucketKey].Remove(oldest);
                _byId.Remove(oldest.Id);
            }
        }
    }

    /// <summary>Splits and masks a message into <see cref="_masked"/>; returns the token count.</summary>
    private int Mask(ReadOnlySpan<char> message, out bool capped)
    {
        capped = false;
        var needed = (message.Length * 3) + 8;
        if (_masked.Length < needed)
        {
            _masked = new char[Math.Max(needed, _masked.Length * 2)];
        }

        var buffer = _masked;
        var length = 0;
        var count = 0;
        var previousWildcard = false;
        var previousKind = MaskKind.None;
        var i = 0;
        while (true)
        {
            while (i < message.Length && IsSeparator(message[i]))
            {
                i++;
            }

            if (i >= message.Length)
            {
                break;
            }

            var start = i;
            while (i < message.Length && !IsSeparator(message[i]))
            {
                i++;
            }

            var token = message[start..i];
            if (count == _options.MaxTokens)
            {
                capped = true;
                if (!previousWildcard)
                {
                    length = EmitWildcardToken(buffer, length, count++);
                }

                break;
            }

            var (coreStart, coreLength) = TokenClassifier.Core(token);
            var kind = TokenClassifier.Classify(token.Slice(coreStart, coreLength), _options.GeneraliseKeyValues, out var valueStart);
            if (previousKind == MaskKind.Number && previousWildcard && coreStart == 0 && TokenClassifier.IsUnit(token[..coreLength]))
            {
                // "5.2 KB," is one value: the unit joins the number's variable and only its punctuation stays.
                var suffix = token[coreLength..];
                suffix.CopyTo(buffer.AsSpan(length));
                length += suffix.Length;
                _tokenLength[count - 1] += suffix.Length;
                previousWildcard = suffix.IsEmpty;
                previousKind = MaskKind.None;
                continue;
            }

            previousKind = kind;
            if (kind == MaskKind.None)
            {
                length = Separator(buffer, length, count);
                _tokenStart[count] = length;
                token.CopyTo(buffer.AsSpan(length));
                length += token.Length;
                _tokenLength[count++] = token.Length;
                previousWildcard = false;
            }
            else if (coreStart == 0 && coreLength == token.Length && valueStart == 0)
            {
                if (!previousWildcard)
                {
                    length = EmitWildcardToken(buffer, length, count++);
                    previousWildcard = true;
                }
            }
            else
            {
                length = Separator(buffer, length, count);
                _tokenStart[count] = length;
                var keep = coreStart + valueStart;
                token[..keep].CopyTo(buffer.AsSpan(length));
                length += keep;
                LogTemplate.Wildcard.CopyTo(buffer.AsSpan(length));
                length += LogTemplate.Wildcard.Length;
                var suffix = token[(coreStart + coreLength)..];
                suffix.CopyTo(buffer.AsSpan(length));
                length += suffix.Length;
                _tokenLength[count] = length - _tokenStart[count];
                count++;
                previousWildcard = false;
            }
        }

        _maskedLength = length;
        return count;
    }

    private int EmitWildcardToken(char[] buffer, int length, int index)
    {
        length = Separator(buffer, length, index);
        _tokenStart[index] = length;
        LogTemplate.Wildcard.CopyTo(buffer.AsSpan(length));
        _tokenLength[index] = LogTemplate.Wildcard.Length;
        return length + LogTemplate.Wildcard.Length;
    }

    private static int Separator(char[] buffer, int length, int index)
    {
        if (index > 0)
        {
            buffer[length++] = ' ';
        }

        return length;
    }

    internal static bool IsSeparator(char c) =>
        c <= ' ' ? c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f' : c >= '\u0085' && char.IsWhiteSpace(c);

    /// <summary>
    /// The values of a message's variables for a template it matched: one string per <c>&lt;*&gt;</c>, in order
    /// (a variable that spanned several tokens is returned as one string with its original spacing).
    /// Allocates: meant for the lines a caller wants to show, not for every line.
    /// </summary>
    public IReadOnlyList<string> ExtractParameters(ReadOnlySpan<char> message, LogTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (message.Length > _options.MaxLineLength)
        {
            message = message[.._options.MaxLineLength];
        }

        // Original tokens with their masked forms, as Mask produced them (before collapsing).
        var originals = new List<(int Start, int End, string Masked, bool Full)>();
        var previousKind = MaskKind.None;
        var i = 0;
        while (true)
        {
            while (i < message.Length && IsSeparator(message[i]))
            {
                i++;
            }

            if (i >= message.Length)
            {
                break;
            }

            var start = i;
            while (i < message.Length && !IsSeparator(message[i]))
            {
                i++;
            }

            var token = message[start..i];
            var (coreStart, coreLength) = TokenClassifier.Core(token);
            var kind = TokenClassifier.Classify(token.Slice(coreStart, coreLength), _options.GeneraliseKeyValues, out var valueStart);
            if (previousKind == MaskKind.Number && originals.Count > 0 && originals[^1].Full && coreStart == 0 && TokenClassifier.IsUnit(token[..coreLength]))
            {
                var number = originals[^1];
                var suffix = token[coreLength..];
                originals[^1] = (number.Start, i, suffix.IsEmpty ? LogTemplate.Wildcard : LogTemplate.Wildcard + suffix.ToString(), suffix.IsEmpty);
                previousKind = MaskKind.None;
                continue;
            }

            previousKind = kind;
            var full = kind != MaskKind.None && coreStart == 0 && coreLength == token.Length && valueStart == 0;
            var masked = kind == MaskKind.None || full
                ? (full ? LogTemplate.Wildcard : token.ToString())
                : string.Concat(token[..(coreStart + valueStart)], LogTemplate.Wildcard, token[(coreStart + coreLength)..]);
            originals.Add((start, i, masked, full));
        }

        var parameters = new List<string>();
        var next = 0;
        var tokens = template.Tokens;
        for (var t = 0; t < tokens.Length && next < originals.Count; t++)
        {
            var pattern = tokens[t];
            var original = originals[next];
            if (pattern == LogTemplate.Wildcard)
            {
                var end = original.End;
                var nextIsVariable = t + 1 < tokens.Length && tokens[t + 1] == LogTemplate.Wildcard;
                while (original.Full && !nextIsVariable && next + 1 < originals.Count && originals[next + 1].Full)
                {
                    // Mining collapsed this run of variable tokens into one position.
                    next++;
                    end = originals[next].End;
                }

                parameters.Add(message[original.Start..end].ToString());
            }
            else
            {
                var star = pattern.IndexOf(LogTemplate.Wildcard, StringComparison.Ordinal);
                if (star >= 0)
                {
                    var suffix = pattern.Length - star - LogTemplate.Wildcard.Length;
                    var length = original.End - original.Start - star - suffix;
                    if (length >= 0)
                    {
                        parameters.Add(message.Slice(original.Start + star, length).ToString());
                    }
                }
            }

            next++;
        }

        return parameters;
    }

    /// <summary>Writes the miner's templates and ids (live ones in LRU order, then remembered evicted ones).</summary>
    public void Save(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateHeader);
        writer.Write('\n');
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"next {_nextId}\n"));
        foreach (var template in Templates.OrderBy(t => t.LastUsed))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"L {template.Id} {template.Count} {template.Text}\n"));
        }

        foreach (var (template, at) in _evicted)
        {
            if (template.Slot < 0 && template.LastUsed == at)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"E {template.Id} 0 {template.Text}\n"));
            }
        }
    }

    internal const string StateHeader = "vigil-log-templates 1";

    /// <summary>Restores templates and ids written by <see cref="Save"/>.</summary>
    /// <exception cref="FormatException">The state is not in the format <see cref="Save"/> writes.</exception>
    public static TemplateMiner Load(TextReader reader, MinerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var miner = new TemplateMiner(options);
        if (reader.ReadLine() != StateHeader)
        {
            throw new FormatException($"Template state: the first line must be '{StateHeader}'.");
        }

        var next = reader.ReadLine();
        if (next is null || !next.StartsWith("next ", StringComparison.Ordinal)
            || !long.TryParse(next.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var nextId) || nextId < 1)
        {
            throw new FormatException("Template state: the second line must be 'next <id>'.");
        }

        miner._nextId = nextId;
        var lineNumber = 2;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var parts = line.Split(' ', 4);
            if (parts.Length < 3 || parts[0] is not ("L" or "E")
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= nextId || id < 1
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Template state line {lineNumber}: expected 'L|E <id> <count> <template>'."));
            }

            var text = parts.Length == 4 ? parts[3] : "";
            var tokens = text.Length == 0 ? [] : text.Split(' ');
            if (tokens.Length > miner._options.MaxTokens + 1 || miner._byId.ContainsKey(id))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Template state line {lineNumber}: duplicate id or too many tokens."));
            }

            var bucketKey = BucketKey(tokens, miner._options.SplitByFirstToken);
            var template = new LogTemplate(id, tokens, bucketKey) { Count = count };
            if (!miner._buckets.TryGetValue(bucketKey, out var bucket))
            {
                bucket = [];
                miner._buckets.Add(bucketKey, bucket);
            }

            bucket.Add(template);
            miner._byId[id] = template;
            miner._sequence++;
            if (parts[0] == "L")
            {
                template.LastUsed = miner._sequence;
                miner.Place(template);
            }
            else
            {
                miner.Remember(template, miner._sequence);
            }
        }

        return miner;
    }
}
