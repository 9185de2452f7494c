namespace Vigil.Backtesting.Tests.Nab;

/// <summary>
/// Finds the shared NAB corpus: <c>shared/bench/nab/data</c> beside the repository (CI clones shared/ next to the repo)
/// or beside any ancestor of it (a git worktree lives one level deeper). <c>VIGIL_NAB_DATA</c> overrides.
/// A missing corpus fails the test: it must not silently pass in CI.
/// </summary>
internal static class NabData
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        var overridden = Environment.GetEnvironmentVariable("VIGIL_NAB_DATA");
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }

        for (var ancestor = dir?.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            var candidate = Path.Combine(ancestor.FullName, "shared", "bench", "nab", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("NAB corpus not found: expected shared/bench/nab/data beside the repository (or set VIGIL_NAB_DATA).");
    }
}
