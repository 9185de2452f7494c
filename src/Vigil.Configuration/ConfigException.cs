namespace Vigil.Configuration;

/// <summary>
/// The configuration is invalid; <see cref="Errors"/> lists every problem with its path. The one validation exception
/// of every assembly: the config loader throws it for the whole file, and each <c>AddXyz</c> registration throws it
/// (through <see cref="ThrowIfInvalid"/>) when handed options whose <c>Validate()</c> is not empty.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : this([message])
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public ConfigException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>
    /// Throws when <paramref name="errors"/> (an options class's <c>Validate()</c>: <c>key: message</c>) is not empty;
    /// each error is reported under <paramref name="section"/> (e.g. <c>alerting</c>), as the config loader does.
    /// </summary>
    public static void ThrowIfInvalid(string section, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new ConfigException([.. errors.Select(e => section.Length == 0 ? e : $"{section}.{e}")]);
        }
    }
}
