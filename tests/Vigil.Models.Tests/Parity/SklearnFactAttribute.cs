namespace Vigil.Models.Tests.Parity;

/// <summary>
/// A fact that needs scikit-learn: skipped with the reason when it is missing locally, but run (and failed by the
/// test's own check) when CI=true, the pattern of Npgsql's IgnoreExceptOnBuildServer. xunit 2 has no runtime skip,
/// so the decision is made when the attribute is constructed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SklearnFactAttribute : FactAttribute
{
    public SklearnFactAttribute()
    {
        var missing = PythonTool.MissingSklearnReason();
        if (missing is not null && !PythonTool.IsCi)
        {
            Skip = missing;
        }
    }
}
