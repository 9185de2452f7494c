using Spectre.Console;

namespace Vigil.Cli;

/// <summary>
/// Whether the CLI may write ANSI escape codes: never when <c>NO_COLOR</c> is set to any non-empty value
/// (https://no-color.org) or when stdout is not a terminal (piped or redirected output must stay plain text for
/// grep, files and CI logs). Applied once at start to Spectre.Console's shared console and to the console logger.
/// </summary>
internal static class ConsoleColours
{
    /// <summary>True when escape codes must not be written.</summary>
    public static bool Disabled(IReadOnlyDictionary<string, string?> environment, bool stdoutRedirected)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return stdoutRedirected || (environment.TryGetValue("NO_COLOR", out var noColor) && !string.IsNullOrEmpty(noColor));
    }

    /// <summary>The process-wide decision, from the real environment and stdout.</summary>
    public static bool DisabledForThisProcess => Disabled(CliEnvironment.Variables(), Console.IsOutputRedirected);

    /// <summary>
    /// Replaces <see cref="AnsiConsole.Console"/> with one that writes no escape codes at all when colours are disabled:
    /// Spectre's own detection drops colours for NO_COLOR but still emits styles (bold), and on a redirected stdout it
    /// still trusts <c>TERM</c>.
    /// </summary>
    public static void Apply(bool disabled)
    {
        if (!disabled)
        {
            return;
        }

        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
    }
}
