using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;

namespace Vigil.Logs.Kubernetes.Tests;

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal sealed record Request(string Path, NameValueCollection Query);

/// <summary>A loopback HTTP server that serves the recorded pod list and queued log bodies.</summary>
internal sealed class FakeApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public FakeApiServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "recorded", name));

    /// <summary>A kubeconfig whose current context points at this server (plain HTTP, a dummy token the server ignores).</summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url.TrimEnd('/')}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: nobody
                namespace: shop
            current-context: fake
            users:
            - name: nobody
              user:
                token: none
            """);
        return path;
    }

    public Queue<string> Logs { get; } = new();

    public List<Request> Requests { get; } = [];

    public bool FailLogs { get; set; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            lock (Requests)
            {
                Requests.Add(new Request(path, HttpUtility.ParseQueryString(context.Request.Url.Query)));
            }

            var (status, type, body) = path.EndsWith("/log", StringComparison.Ordinal)
                ? FailLogs ? (500, "application/json", "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":500}") : (200, "text/plain", Logs.Count > 0 ? Logs.Dequeue() : "")
                : (200, "application/json", Recorded("pods.json"));
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
