namespace Vigil.Testing;

/// <summary>
/// Finds a data set of the shared benchmark folder: <c>shared/bench/&lt;relative&gt;</c> beside the repository (CI clones
/// shared/ next to the repo) or beside any ancestor of it (a git worktree lives one level deeper). An environment
/// variable overrides. A missing data set fails the test: it must not silently pass in CI.
/// </summary>
public static class SharedBenchData
{
    /// <param name="relative">Path under <c>shared/bench</c>, e.g. <c>nab/data</c>.</param>
    /// <param name="environmentVariable">Variable that, when set, names the folder instead.</param>
    /// <param name="what">What the data is, for the error message.</param>
    public static string Locate(string relative, string environmentVariable, string what)
    {
        var overridden = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }

        var parts = relative.Split('/');
        for (var ancestor = dir?.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            var candidate = Path.Combine([ancestor.FullName, "shared", "bench", .. parts]);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{what} not found: expected shared/bench/{relative} beside the repository (or set {environmentVariable}).");
    }
}
