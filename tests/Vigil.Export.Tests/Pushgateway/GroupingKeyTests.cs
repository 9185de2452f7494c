using System.Text;
using Vigil.Export.Pushgateway;

namespace Vigil.Export.Tests.Pushgateway;

public sealed class GroupingKeyTests
{
    [Fact]
    public void Path_PlainValues_AreSegmentsSortedByLabelName()
    {
        var path = GroupingKey.Path("nightly", new Dictionary<string, string> { ["zone"] = "eu-1", ["dataset"] = "nab" });

        Assert.Equal("metrics/job/nightly/dataset/nab/zone/eu-1", path);
    }

    [Fact]
    public void Path_ValueWithSlash_IsBase64UrlEncoded()
    {
        var path = GroupingKey.Path("detect", new Dictionary<string, string> { ["file"] = "data/a+b?.csv" });

        var encoded = path.Split('/')[^1];
        Assert.StartsWith("metrics/job/detect/file@base64/", path, StringComparison.Ordinal);
        Assert.DoesNotContain('+', encoded);
        Assert.Equal("data/a+b?.csv", Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Replace('-', '+').Replace('_', '/'))));
    }

    [Fact]
    public void Path_EmptyValueAndJobWithSlash_UseTheGatewaysBase64Forms()
    {
        var path = GroupingKey.Path("team/a", new Dictionary<string, string> { ["instance"] = string.Empty });

        Assert.Equal("metrics/job@base64/dGVhbS9h/instance@base64/=", path);
    }

    [Fact]
    public void Path_ReservedCharacters_ArePercentEscaped()
    {
        Assert.Equal("metrics/job/a%20b%3Fc", GroupingKey.Path("a b?c", new Dictionary<string, string>()));
    }

    [Fact]
    public void Validate_BadLabelNamesAndJobLabel_EachReported()
    {
        var options = new PushgatewayOptions
        {
            Url = new Uri("ftp://gateway"),
            Job = " ",
            GroupingLabels = new Dictionary<string, string> { ["1bad"] = "x", ["job"] = "y", ["__reserved"] = "z", ["ok_name"] = "v" },
            MaxRetries = -1,
        };

        var errors = options.Validate();

        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.Contains("ftp://", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("push label '1bad'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("push label 'job'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("push label '__reserved'", StringComparison.Ordinal));
    }
}
