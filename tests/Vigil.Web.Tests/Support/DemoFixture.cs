namespace Vigil.Web.Tests.Support;

/// <summary>One demo host shared by a class's read-only tests (they only GET pages; tests that write start their own).</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private DemoHost? _host;

    public DemoHost Host => _host ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _host = await DemoHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
