namespace Vigil.Prometheus;

/// <summary>Prometheus <c>data.resultType</c> values.</summary>
[Flags]
internal enum ResultTypes
{
    None = 0,
    Matrix = 1,
    Vector = 2,
    Scalar = 4,
    String = 8,
}

/// <summary>Which result types an endpoint call accepts, and its name for error messages.</summary>
internal readonly record struct ExpectedResult(string Endpoint, ResultTypes Allowed)
{
    public static ExpectedResult QueryRange { get; } = new(PrometheusConstants.QueryRangeEndpoint, ResultTypes.Matrix);

    // A range-vector selector (up[5m]) evaluated instantly yields a matrix: accepted as well.
    public static ExpectedResult Query { get; } = new(PrometheusConstants.QueryEndpoint, ResultTypes.Vector | ResultTypes.Scalar | ResultTypes.Matrix);

    /// <summary>Remote-read (<c>/api/v1/read</c>): raw samples, evaluated into a matrix by the client.</summary>
    public static ExpectedResult RemoteRead { get; } = new(PrometheusConstants.RemoteReadEndpoint, ResultTypes.Matrix);

    public string DescribeAllowed()
    {
        var names = new List<string>(4);
        if (Allowed.HasFlag(ResultTypes.Vector))
        {
            names.Add("vector");
        }

        if (Allowed.HasFlag(ResultTypes.Scalar))
        {
            names.Add("scalar");
        }

        if (Allowed.HasFlag(ResultTypes.Matrix))
        {
            names.Add("matrix");
        }

        if (Allowed.HasFlag(ResultTypes.String))
        {
            names.Add("string");
        }

        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }
}
