namespace Vigil.Pipeline.Jobs;

/// <summary>
/// A job cannot start: its model file is missing or corrupt, or its features do not fit its model. Thrown while the
/// host starts, so <c>vigil run</c> fails fast with exit code 2 and the message names the job, the file and why.
/// </summary>
public sealed class JobStartException : Exception
{
    public JobStartException()
    {
    }

    public JobStartException(string message)
        : base(message)
    {
    }

    public JobStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Names the job before the reason, as configuration errors do: <c>jobs 'cpu': …</c>.</summary>
    public static JobStartException ForJob(string job, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new JobStartException($"jobs '{job}': {reason.Message}", reason);
    }
}
