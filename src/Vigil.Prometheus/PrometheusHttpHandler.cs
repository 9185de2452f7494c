using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Prometheus;

/// <summary>The primary HTTP handler for Prometheus: decompression, connection recycling, and the TLS trust options.</summary>
internal static class PrometheusHttpHandler
{
    public static SocketsHttpHandler Create(PrometheusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            // Prometheus gzips large responses when asked: a 100k-series matrix shrinks ~10x on the wire. Without
            // automatic decompression the handler sends no Accept-Encoding, so Prometheus answers uncompressed.
            AutomaticDecompression = options.Compression ? DecompressionMethods.All : DecompressionMethods.None,
            PooledConnectionLifetime = PrometheusConstants.PooledConnectionLifetime,
        };

        if (options.InsecureSkipVerify)
        {
#pragma warning disable CA5359 // Explicit opt-in (InsecureSkipVerify), the same switch Prometheus' own tls_config has.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(options.CaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);

            // Trust exactly the given CAs (like Prometheus' ca_file); host name checks stay on. Private CAs
            // rarely publish revocation lists, and Go's TLS stack does not check them either.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return handler;
    }
}
