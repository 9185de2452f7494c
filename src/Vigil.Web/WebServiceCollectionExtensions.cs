using Microsoft.Extensions.DependencyInjection;
using Vigil.Web.Reading;

namespace Vigil.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>Registers the UI's renderer and its readers; <see cref="WebUiEndpoints.MapVigilWeb"/> maps the pages.</summary>
    public static IServiceCollection AddVigilWeb(this IServiceCollection services, WebUiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        services.AddRazorComponents();
        services.AddSingleton(options);
        services.AddSingleton<UiAccess>();
        services.AddSingleton<ServiceView>();
        services.AddSingleton<FeatureReader>();
        services.AddSingleton<PreviewRunner>();
        services.AddSingleton<Api.ModelActions>();
        return services;
    }
}
