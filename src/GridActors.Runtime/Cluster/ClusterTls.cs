using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace GridActors.Runtime.Cluster;

/// <summary>Where a node's TLS material is: its PKCS#12 certificate with the private key, the file's password, and
/// optionally the certificate of the CA that signed every member's certificate.</summary>
/// <param name="CertificatePath">PKCS#12 (.pfx/.p12) file holding this node's certificate and private key.</param>
/// <param name="Password">Password of the PKCS#12 file (null or empty for none).</param>
/// <param name="AuthorityPath">CA certificate (PEM or DER). Given: a peer must present a certificate chained to it.
/// Not given: a peer must present exactly this node's certificate (one shared cluster certificate).</param>
public sealed record ClusterTlsOptions(string CertificatePath, string? Password, string? AuthorityPath);

/// <summary>TLS settings that cannot be used (missing file, wrong password, no private key, unreadable CA); the message is one line.</summary>
public sealed class ClusterTlsException(string message) : Exception(message);

/// <summary>
/// A node's loaded TLS material and the check it applies to every peer, on both ends of a connection (mutual
/// authentication: the node that accepts a connection checks the caller's certificate as the caller checks its own).
/// The check never relies on the machine's trust store: with a CA, the peer's chain is built against that CA alone
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>, no revocation lookup, which would need network access);
/// without one, the peer's certificate must have this node's thumbprint. Host names are not compared with the
/// certificate: a certificate says "a member of this cluster", whatever address the member has.
/// </summary>
public sealed class ClusterTls : IDisposable
{
    public X509Certificate2 Certificate { get; }
    public X509Certificate2? Authority { get; }
    private readonly ConcurrentDictionary<string, bool> _reported = new();

    private ClusterTls(X509Certificate2 certificate, X509Certificate2? authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>Loads and checks the files; every problem is a <see cref="ClusterTlsException"/> naming the file.</summary>
    public static ClusterTls Load(ClusterTlsOptions o)
    {
        var certificate = LoadCertificate(o.CertificatePath, o.Password);
        try
        {
            return new ClusterTls(certificate, o.AuthorityPath is null ? null : LoadAuthority(o.AuthorityPath));
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path)) throw new ClusterTlsException($"--tls-cert: file not found: {path}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (CryptographicException ex)
        {
            throw new ClusterTlsException($"--tls-cert: cannot open {path} as a PKCS#12 (.pfx) file with the given password " +
                $"(--tls-password or GRIDACTORS_TLS_PASSWORD): {OneLine(ex.Message)}");
        }
        catch (IOException ex)
        {
            throw new ClusterTlsException($"--tls-cert: cannot read {path}: {OneLine(ex.Message)}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ClusterTlsException($"--tls-cert: cannot read {path}: {OneLine(ex.Message)}");
        }
        bool usable = false;
        if (certificate.HasPrivateKey)
        {
            using var rsa = certificate.GetRSAPrivateKey();
            using var ecdsa = certificate.GetECDsaPrivateKey();
            usable = rsa is not null || ecdsa is not null;
        }
        if (!usable)
        {
            certificate.Dispose();
            throw new ClusterTlsException($"--tls-cert: {path} holds no usable private key (RSA or ECDSA); export the node's certificate together with its key");
        }
        return certificate;
    }

    private static X509Certificate2 LoadAuthority(string path)
    {
        if (!File.Exists(path)) throw new ClusterTlsException($"--tls-ca: file not found: {path}");
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterTlsException($"--tls-ca: cannot read {path} as a certificate (PEM or DER): {OneLine(ex.Message)}");
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>Whether <paramref name="peer"/> may talk to this node; <paramref name="reason"/> says why not.</summary>
    /// <param name="presented">The chain the peer sent (its intermediates are used, never trusted).</param>
    public bool Accepts(X509Certificate2? peer, X509Chain? presented, out string reason)
    {
        if (peer is null)
        {
            reason = "it presented no certificate";
            return false;
        }
        if (Authority is null)
        {
            bool same = string.Equals(peer.Thumbprint, Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
            reason = same ? "" : $"its certificate '{peer.Subject}' (thumbprint {peer.Thumbprint}) is not this cluster's certificate (thumbprint {Certificate.Thumbprint})";
            return same;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(peer.RawDataMemory.Span)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(peer))
        {
            reason = "";
            return true;
        }
        var status = string.Join("; ", chain.ChainStatus.Select(s => OneLine(s.StatusInformation)).Where(s => s.Length > 0).Distinct());
        reason = $"its certificate '{peer.Subject}' issued by '{peer.Issuer}' does not chain to the cluster CA '{Authority.Subject}' ({status})";
        return false;
    }

    /// <summary>
    /// Akka's SSL setup for this node: the certificate, mutual authentication, validation never suppressed, and
    /// <see cref="Accepts"/> as the validator. A refused peer is reported through <paramref name="report"/> once per
    /// certificate and reason (a refused node keeps retrying its join).
    /// </summary>
    public DotNettySslSetup Setup(Action<string>? report) => new(Certificate, suppressValidation: false, requireMutualAuthentication: true,
        customValidator: (cert, chain, peer, _, _) =>
        {
            if (Accepts(cert, chain, out var reason)) return true;
            if (report is not null && _reported.TryAdd((cert?.Thumbprint ?? "-") + reason, true))
                report($"TLS: refused the connection with {peer}: {reason}");
            return false;
        });

    public void Dispose()
    {
        Certificate.Dispose();
        Authority?.Dispose();
    }
}
