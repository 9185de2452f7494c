using System.Diagnostics;

namespace Vigil.Exposition.Tests;

/// <summary>
/// Locates <c>promtool</c> (Debian package <c>prometheus</c>). Missing promtool skips locally but fails when
/// CI=true, so a build agent without it cannot silently drop the format check.
/// </summary>
internal static class Promtool
{
    public static string? Path { get; } = Find();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs <c>promtool check metrics</c> with <paramref name="file"/> on stdin.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string promtool, string file)
    {
        var start = new ProcessStartInfo(promtool, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var input = File.OpenRead(file))
        {
            await input.CopyToAsync(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string? Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator).Append("/usr/bin");
        return dirs.Select(d => System.IO.Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that needs promtool: skipped with a reason when it is missing, unless CI=true.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !Promtool.IsCi)
        {
            Skip = "promtool not found on PATH or in /usr/bin (apt-get install prometheus); with CI=true this test fails instead.";
        }
    }
}
