using Vigil.Configuration;
using Vigil.Pipeline.Jobs;

namespace Vigil.Web.Tests.Configuration;

/// <summary><c>server.ui_auth</c> as the configuration reads and validates it.</summary>
public sealed class UiAuthConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_UiAuthWithReadToken_Enabled()
    {
        var options = Load("server:\n  ui_auth: true\n  read_token: read-token-0123456789\n");

        Assert.True(options.Server.UiAuth);
    }

    [Fact]
    public void Load_UiAuthOmitted_PagesOpen()
    {
        Assert.False(Load("server:\n  port: 8001\n").Server.UiAuth);
    }

    [Fact]
    public void Load_UiAuthTokenFromTheEnvironmentOnly_Enabled()
    {
        var options = Load("server:\n  ui_auth: true\n", ("VIGIL_READ_TOKEN", "read-token-0123456789"));

        Assert.True(options.Server.UiAuth);
    }

    [Fact]
    public void TryLoad_UiAuthWithoutAnyToken_ErrorNamingTheKey()
    {
        var (_, errors) = TryLoad("server:\n  ui_auth: true\n");

        Assert.Contains(errors, e => e.StartsWith("server.ui_auth: needs server.read_token or server.write_token", StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_UiAuthNotABoolean_ErrorNamingTheKey()
    {
        var (_, errors) = TryLoad("server:\n  ui_auth: sometimes\n  read_token: read-token-0123456789\n");

        Assert.Contains(errors, e => e.StartsWith("server.ui_auth", StringComparison.Ordinal));
    }

    private VigilOptions Load(string yaml, params (string Name, string Value)[] env)
    {
        var (options, errors) = TryLoad(yaml, env);
        Assert.Empty(errors);
        return options!;
    }

    private (VigilOptions? Options, IReadOnlyList<string> Errors) TryLoad(string yaml, params (string Name, string Value)[] env)
    {
        var path = _temp.File("vigil.yaml");
        File.WriteAllText(path, yaml);
        var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(path, env.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal));
        return (options, [.. errors]);
    }
}
