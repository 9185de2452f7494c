using System.Text.Json;

namespace Vigil.Backtesting.Nab;

/// <summary>One NAB data file with its labelled windows as row ranges (both ends inclusive).</summary>
public sealed record NabFile(string Key, TimeSeriesData Data, IReadOnlyList<(int Start, int End)> Windows)
{
    public string Category => Key[..Key.IndexOf('/', StringComparison.Ordinal)];
}

/// <summary>A NAB scoring profile: the weights of a true positive, a false positive and a missed window.</summary>
public sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight);

/// <summary>
/// A NAB-layout directory: <c>data/&lt;category&gt;/&lt;file&gt;.csv</c>, <c>labels/combined_windows.json</c> and
/// <c>config/profiles.json</c>. Labels are only read for scoring, never by a detector.
/// </summary>
public sealed class NabCorpus
{
    private NabCorpus(string root, IReadOnlyList<NabFile> files, IReadOnlyList<NabProfile> profiles)
    {
        Root = root;
        Files = files;
        Profiles = profiles;
    }

    public string Root { get; }

    /// <summary>NAB's three profiles (standard, reward_low_FP_rate, reward_low_FN_rate) as shipped in config/profiles.json.</summary>
    public static IReadOnlyList<NabProfile> StandardProfiles { get; } =
    [
        new("standard", 1.0, 0.11, 1.0),
        new("reward_low_FP_rate", 1.0, 0.22, 1.0),
        new("reward_low_FN_rate", 1.0, 0.11, 2.0),
    ];

    /// <summary>An in-memory corpus, e.g. one backtested series with its labelled windows.</summary>
    public static NabCorpus FromFiles(IReadOnlyList<NabFile> files, IReadOnlyList<NabProfile>? profiles = null)
        => new("(memory)", files, profiles ?? StandardProfiles);

    /// <summary>Files in label-key order (ordinal), as the reference scorer lists them.</summary>
    public IReadOnlyList<NabFile> Files { get; }

    public IReadOnlyList<NabProfile> Profiles { get; }

    /// <summary>
    /// Loads a corpus. <paramref name="root"/> may be the folder holding <c>data/</c>, <c>labels/</c> and <c>config/</c>,
    /// or its <c>data/</c> folder itself (then labels and profiles are looked up one level up).
    /// </summary>
    public static NabCorpus Load(string root, IReadOnlyCollection<string>? categories = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        var labelsPath = Path.Combine(full, "labels", "combined_windows.json");
        if (!File.Exists(labelsPath) && File.Exists(Path.Combine(full, "..", "labels", "combined_windows.json")))
        {
            full = Path.GetFullPath(Path.Combine(full, ".."));
            labelsPath = Path.Combine(full, "labels", "combined_windows.json");
        }

        var dataDir = Path.Combine(full, "data");
        using var labelsDoc = JsonDocument.Parse(File.ReadAllText(labelsPath));
        var files = new List<NabFile>();
        foreach (var entry in labelsDoc.RootElement.EnumerateObject().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var key = entry.Name;
            var category = key.Split('/')[0];
            if (categories is { Count: > 0 } && !categories.Contains(category))
            {
                continue;
            }

            var data = TimeSeriesCsv.Read(Path.Combine(dataDir, category, key[(category.Length + 1)..]), TimeSeriesCsv.DuplicateTimestamps.Keep);
            data = data with { Name = key };
            var windows = new List<(int, int)>();
            foreach (var window in entry.Value.EnumerateArray())
            {
                var start = RowOf(data, window[0].GetString()!, key);
                var end = RowOf(data, window[1].GetString()!, key);
                windows.Add((start, end));
            }

            windows.Sort();
            files.Add(new NabFile(key, data, windows));
        }

        var profiles = new List<NabProfile>();
        using var profilesDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(full, "config", "profiles.json")));
        foreach (var profile in profilesDoc.RootElement.EnumerateObject())
        {
            var cost = profile.Value.TryGetProperty("CostMatrix", out var cm) ? cm : profile.Value;
            profiles.Add(new NabProfile(profile.Name, cost.GetProperty("tpWeight").GetDouble(), cost.GetProperty("fpWeight").GetDouble(), cost.GetProperty("fnWeight").GetDouble()));
        }

        return new NabCorpus(full, files, profiles);
    }

    private static int RowOf(TimeSeriesData data, string timestamp, string key)
    {
        if (!TimeSeriesCsv.TryParseTimestamp(timestamp, out var ms))
        {
            throw new FormatException($"{key}: window timestamp '{timestamp}' does not parse");
        }

        var index = Array.IndexOf(data.TimestampsMs, ms);
        return index >= 0 ? index : throw new FormatException($"{key}: window timestamp '{timestamp}' is not in the data");
    }
}
