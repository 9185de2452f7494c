using System.Text.RegularExpressions;
using Vigil.Models.Files;

namespace Vigil.Models.Store;

/// <summary>
/// The model directory: <c>&lt;root&gt;/&lt;name&gt;/active.vmodel</c>, <c>candidate.vmodel</c> and
/// <c>history/&lt;version&gt;.vmodel</c>. Every replacement is an atomic rename of a verified file, so the active
/// model is always one complete, loadable file and a corrupt candidate can never replace it.
/// One writer per model at a time (the service or the CLI); readers may run concurrently.
/// </summary>
public sealed partial class ModelStore
{
    private const string ActiveFile = "active" + ModelFileFormat.Extension;
    private const string CandidateFile = "candidate" + ModelFileFormat.Extension;
    private const string HistoryDirectory = "history";

    private readonly ModelStoreOptions _options;

    public ModelStore(ModelStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HistoryLimit, 1);
        _options = options;
    }

    public string Root => _options.Directory;

    public string ActivePath(string name) => Path.Combine(ModelDirectory(name), ActiveFile);

    public string CandidatePath(string name) => Path.Combine(ModelDirectory(name), CandidateFile);

    public IReadOnlyList<string> Names()
        => Directory.Exists(Root)
            ? [.. Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Where(n => NamePattern().IsMatch(n)).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Every file of every model (or of <paramref name="name"/>), each verified; broken files are listed with their error.</summary>
    public IReadOnlyList<ModelEntry> List(string? name = null)
    {
        var entries = new List<ModelEntry>();
        foreach (var model in name is null ? Names() : [name])
        {
            AddEntry(entries, model, ModelSlot.Active, ActivePath(model));
            AddEntry(entries, model, ModelSlot.Candidate, CandidatePath(model));
            foreach (var path in HistoryFiles(model))
            {
                AddEntry(entries, model, ModelSlot.History, path);
            }
        }

        return entries;
    }

    /// <exception cref="ModelFileException">No active model, or it does not load.</exception>
    public ModelFile LoadActive(string name) => ModelFileFormat.Read(ActivePath(name));

    /// <exception cref="ModelFileException">No candidate, or it does not load.</exception>
    public ModelFile LoadCandidate(string name) => ModelFileFormat.Read(CandidatePath(name));

    public bool HasActive(string name) => File.Exists(ActivePath(name));

    public bool HasCandidate(string name) => File.Exists(CandidatePath(name));

    /// <summary>Writes <paramref name="file"/> as the candidate of its model (replacing an older candidate) and reads it back.</summary>
    public string WriteCandidate(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = CandidatePath(file.Header.Name);
        ModelFileFormat.Write(path, file);
        ModelFileFormat.Read(path); // what we just wrote must load, or we fail now rather than at promotion
        return path;
    }

    /// <summary>
    /// Makes the candidate active: verifies it completely first (a corrupt candidate throws and leaves the active model
    /// untouched), archives it in history, renames it over the active file, then removes the candidate.
    /// </summary>
    /// <exception cref="ModelFileException">No candidate, or it does not load.</exception>
    public ModelFile Promote(string name)
    {
        var candidatePath = CandidatePath(name);
        var bytes = ReadBytes(candidatePath);
        var candidate = ModelFileFormat.Deserialize(bytes, candidatePath);
        Activate(name, bytes, candidate);
        File.Delete(candidatePath);
        return candidate;
    }

    public void DiscardCandidate(string name) => File.Delete(CandidatePath(name));

    /// <summary>
    /// Re-activates <paramref name="version"/> from history, or by default the newest valid version created before the
    /// active one. Works when the active file itself is corrupt (then the newest valid history version is used).
    /// </summary>
    /// <exception cref="ModelFileException">No such version, or nothing older to roll back to.</exception>
    public ModelFile Rollback(string name, string? version = null)
    {
        ModelHeader? active = null;
        try
        {
            active = LoadActive(name).Header;
        }
        catch (ModelFileException)
        {
            // A broken active model is exactly when a rollback is needed: pick from history without it.
        }

        var history = List(name).Where(e => e.Slot == ModelSlot.History && e.IsValid).ToList();
        ModelEntry? target;
        if (version is not null)
        {
            target = history.Find(e => string.Equals(e.Header!.Version, version, StringComparison.Ordinal))
                ?? throw new ModelFileException(HistoryPath(name, version), $"no valid history version '{version}' (have: {string.Join(", ", history.Select(e => e.Header!.Version))})");
        }
        else
        {
            target = history
                .Where(e => active is null || (e.Header!.CreatedAt < active.CreatedAt && !string.Equals(e.Header.Version, active.Version, StringComparison.Ordinal)))
                .OrderByDescending(e => e.Header!.CreatedAt)
                .FirstOrDefault()
                ?? throw new ModelFileException(ActivePath(name), $"no valid history version older than the active {active?.Version ?? "model"} to roll back to");
        }

        var bytes = ReadBytes(target.Path);
        var file = ModelFileFormat.Deserialize(bytes, target.Path);
        Activate(name, bytes, file);
        return file;
    }

    private void Activate(string name, byte[] bytes, ModelFile file)
    {
        if (!string.Equals(file.Header.Name, name, StringComparison.Ordinal))
        {
            throw new ModelFileException(CandidatePath(name), $"belongs to model '{file.Header.Name}', not '{name}'");
        }

        var historyPath = HistoryPath(name, file.Header.Version);
        if (!File.Exists(historyPath))
        {
            ModelFileFormat.WriteAtomically(historyPath, bytes);
        }

        ModelFileFormat.WriteAtomically(ActivePath(name), bytes);
        PruneHistory(name, file.Header.Version);
    }

    private void PruneHistory(string name, string keepVersion)
    {
        var entries = List(name).Where(e => e.Slot == ModelSlot.History).ToList();
        var excess = entries.Count - _options.HistoryLimit;
        if (excess <= 0)
        {
            return;
        }

        // Broken files go first, then the oldest; the version just activated always stays.
        foreach (var entry in entries
            .Where(e => e.Header is null || !string.Equals(e.Header.Version, keepVersion, StringComparison.Ordinal))
            .OrderBy(e => e.IsValid)
            .ThenBy(e => e.Header?.CreatedAt ?? DateTimeOffset.MinValue)
            .Take(excess))
        {
            File.Delete(entry.Path);
        }
    }

    private IEnumerable<string> HistoryFiles(string name)
    {
        var directory = Path.Combine(ModelDirectory(name), HistoryDirectory);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*" + ModelFileFormat.Extension).Order(StringComparer.Ordinal)
            : [];
    }

    private string HistoryPath(string name, string version)
        => Path.Combine(ModelDirectory(name), HistoryDirectory, version + ModelFileFormat.Extension);

    private string ModelDirectory(string name)
    {
        // Names become directory names: refuse anything that could escape the root.
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Model name '{name}' must match [A-Za-z0-9_.-]+ and not start with '.'.", nameof(name));
        }

        return Path.Combine(Root, name);
    }

    private static void AddEntry(List<ModelEntry> entries, string name, ModelSlot slot, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            entries.Add(new ModelEntry(name, slot, path, ModelFileFormat.Read(path).Header, null));
        }
        catch (ModelFileException ex)
        {
            entries.Add(new ModelEntry(name, slot, path, null, ex.Reason));
        }
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "missing: the file does not exist", ex);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();
}
