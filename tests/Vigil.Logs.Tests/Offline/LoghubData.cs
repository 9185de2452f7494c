namespace Vigil.Logs.Tests.Offline;

/// <summary>
/// Finds the shared Loghub-2k data: <c>shared/bench/loghub/data</c> beside the repository (CI clones shared/ next to the repo)
/// or beside any ancestor of it (a git worktree lives one level deeper). <c>VIGIL_LOGHUB_DATA</c> overrides.
/// A missing corpus fails the test: it must not silently pass in CI.
/// </summary>
internal static class LoghubData
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        var overridden = Environment.GetEnvironmentVariable("VIGIL_LOGHUB_DATA");
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
            var candidate = Path.Combine(ancestor.FullName, "shared", "bench", "loghub", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("Loghub-2k data not found: expected shared/bench/loghub/data beside the repository (or set VIGIL_LOGHUB_DATA).");
    }
}
