using Vigil.Configuration;

namespace Vigil.Models.Store;

/// <summary><c>model_path</c> (a directory of model files) or <c>MODEL_PATH</c> → <see cref="ModelStoreOptions"/>; nothing when neither is set.</summary>
public sealed class ModelStoreSection : IConfigSection
{
    public const string Path = "model_path";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = ["MODEL_PATH"];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if ((context.Env("MODEL_PATH") ?? context.Reader.String(context.Root, string.Empty, Path)) is { } directory)
        {
            context.Set(new ModelStoreOptions { Directory = directory });
        }
    }
}
