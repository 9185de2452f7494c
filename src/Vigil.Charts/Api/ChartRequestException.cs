namespace Vigil.Charts.Api;

/// <summary>A chart request that cannot be answered: the HTTP status and a message naming the parameter.</summary>
public sealed class ChartRequestException : Exception
{
    public ChartRequestException()
    {
    }

    public ChartRequestException(string message)
        : base(message)
    {
    }

    public ChartRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ChartRequestException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    /// <summary>400 for bad parameters, 404 for an unknown job, series or metric, or an empty range.</summary>
    public int Status { get; } = 400;
}
