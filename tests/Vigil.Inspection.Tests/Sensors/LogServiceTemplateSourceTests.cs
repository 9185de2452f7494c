using Vigil.Inspection.Sensors;
using Vigil.Logs.Service;

namespace Vigil.Inspection.Tests.Sensors;

public sealed class LogServiceTemplateSourceTests
{
    [Fact]
    public async Task DrainAsync_TemplatesFromTheLogService_AreReportedOnceEach()
    {
        var feed = new NewTemplateFeed();
        var at = new DateTimeOffset(2026, 12, 6, 22, 0, 0, TimeSpan.Zero);
        feed.Publish(new NewTemplateEvent("app", 7, "user <*> logged in", at));
        feed.Publish(new NewTemplateEvent("syslog", 12, "disk <*> full", at.AddSeconds(5)));
        var source = new LogServiceTemplateSource(feed);

        var first = await source.DrainAsync(CancellationToken.None);
        var second = await source.DrainAsync(CancellationToken.None);

        Assert.Equal([new NewLogTemplate("7", "user <*> logged in", "app", at), new NewLogTemplate("12", "disk <*> full", "syslog", at.AddSeconds(5))], first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task DrainAsync_NoLogService_NothingIsNew()
    {
        Assert.Empty(await new LogServiceTemplateSource(null).DrainAsync(CancellationToken.None));
    }
}
