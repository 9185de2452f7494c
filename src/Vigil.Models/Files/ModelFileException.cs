namespace Vigil.Models.Files;

/// <summary>
/// A model file is missing, truncated, corrupt or incompatible. The message names the file and the reason.
/// An <see cref="InvalidOperationException"/> so <c>IModelProvider.Get</c> callers handle one type.
/// </summary>
public sealed class ModelFileException : InvalidOperationException
{
    public ModelFileException()
    {
        Path = string.Empty;
        Reason = string.Empty;
    }

    public ModelFileException(string message)
        : base(message)
    {
        Path = string.Empty;
        Reason = message;
    }

    public ModelFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Reason = message;
    }

    public ModelFileException(string path, string reason, Exception? innerException = null)
        : base($"Model file '{path}': {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public string Reason { get; }
}
