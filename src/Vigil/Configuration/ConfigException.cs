namespace Vigil.Configuration;

/// <summary>The configuration is invalid; <see cref="Errors"/> lists every problem with its path.</summary>
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
}
