namespace Vigil.Models.Training;

/// <summary>Training could not produce a candidate (too little data, invalid spec); the message says why.</summary>
public sealed class TrainingException : Exception
{
    public TrainingException()
    {
    }

    public TrainingException(string message)
        : base(message)
    {
    }

    public TrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
