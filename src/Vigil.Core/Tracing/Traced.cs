using System.Diagnostics;

namespace Vigil.Core.Tracing;

/// <summary>How every Vigil span records a failure, so all of them read the same in a trace viewer (docs/tracing.md).</summary>
public static class Traced
{
    /// <summary>
    /// Marks <paramref name="activity"/> (null when tracing is off) as failed with the <c>vigil_errors_total</c>
    /// <paramref name="errorType"/> as OpenTelemetry's <c>error.type</c>. Returns false, so it also serves as an
    /// exception filter that marks the span without catching (<c>catch (X ex) when (Traced.Fail(...))</c>).
    /// </summary>
    public static bool Fail(Activity? activity, string errorType, string message)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, message);
            activity.SetTag("error.type", errorType);
        }

        return false;
    }
}
