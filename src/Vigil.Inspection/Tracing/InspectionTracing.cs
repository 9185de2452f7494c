using System.Diagnostics;

namespace Vigil.Inspection.Tracing;

/// <summary>
/// Inspection's spans (docs/tracing.md): <c>vigil.inspection.round</c>, a <c>vigil.inspection.sensor</c> child per
/// enabled sensor, and a <c>vigil.inspection.notify</c> child per finding handed to the alert publisher.
/// </summary>
public static class InspectionTracing
{
    public const string SourceName = "Vigil.Inspection";

    public const string Round = "vigil.inspection.round";
    public const string Sensor = "vigil.inspection.sensor";
    public const string Notify = "vigil.inspection.notify";

    internal static readonly ActivitySource Source = new(SourceName, typeof(InspectionTracing).Assembly.GetName().Version?.ToString());
}
