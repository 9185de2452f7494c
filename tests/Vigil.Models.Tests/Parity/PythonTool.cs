using System.Diagnostics;

namespace Vigil.Models.Tests.Parity;

/// <summary>
/// Runs the Python tools with Debian's /usr/bin/python3 (the python3-sklearn package). Missing scikit-learn skips the
/// parity test locally but fails it when CI=true, so CI can never pass by quietly not checking parity.
/// </summary>
internal static class PythonTool
{
    private const string Python = "/usr/bin/python3";

    public static string ToolsDirectory => Path.Combine(AppContext.BaseDirectory, "tools");

    /// <summary>Null when scikit-learn is importable; otherwise why not.</summary>
    public static string? MissingSklearnReason()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} not found";
        }

        var (code, output) = Run(["-c", "import sklearn, numpy"], TimeSpan.FromSeconds(60));
        return code == 0 ? null : $"scikit-learn not importable by {Python} (apt-get install -y python3-sklearn): {output}";
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }
}
