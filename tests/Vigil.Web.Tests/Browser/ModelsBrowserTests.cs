using Microsoft.Playwright;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Browser;

/// <summary>The Models page in chromium with a real model store: it loads cleanly, and the Promote button promotes.</summary>
public sealed class ModelsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly ForestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task ModelsPage_ModelPresent_NoConsoleErrorsAndPromotePromotes()
    {
        var (first, second) = _models.ActiveAndCandidate();
        await using var host = await DemoHost.StartAsync(jobs: ForestModels.Jobs(), modelPath: _models.Path);
        var (context, page, errors) = await browser.NewPageAsync(host.BaseAddress);
        await using var _ = context;

        var response = await page.GotoAsync("/models");
        await page.Locator($"#model-{ForestModels.Job}-promote").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        await BrowserFixture.ScreenshotAsync(page, "models-with-store");
        Assert.Equal(200, response!.Status);
        Assert.Equal("Models · Vigil", await page.TitleAsync());
        await Assertions.Expect(page.Locator($"#model-{ForestModels.Job}")).ToContainTextAsync(first);

        await page.Locator($"#model-{ForestModels.Job}-promote").ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{second} promoted" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#model-{ForestModels.Job}-promote")).ToBeDisabledAsync(); // no candidate left
        await BrowserFixture.ScreenshotAsync(page, "models-after-promote");
        Assert.Equal(second, _models.Store.LoadActive(ForestModels.Model).Header.Version);
        Assert.Empty(errors);
    }
}
