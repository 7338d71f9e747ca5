using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace GridActors.Cli.Tests;

/// <summary>
/// Clusters whose nodes talk TLS (Akka.Remote's DotNetty transport with <c>enable-ssl</c>), with real processes on loopback
/// and certificates made here: a cluster CA, two node certificates it signed, and a certificate signed by another CA.
/// </summary>
public class TlsClusterProcessSpecs : IDisposable
{
    private const string Password = "tls-spec-password";
    private static readonly Dictionary<string, string> WithPassword = new() { ["GRIDACTORS_TLS_PASSWORD"] = Password };
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-tls-").FullName;
    private readonly string _ca, _nodeA, _nodeB, _otherCa, _intruder;

    public TlsClusterProcessSpecs()
    {
        using var ca = Authority("GridActors spec cluster CA");
        using var other = Authority("GridActors spec other CA");
        _ca = WritePem("ca.crt", ca);
        _otherCa = WritePem("other-ca.crt", other);
        _nodeA = WritePfx("node-a.pfx", Node("node-a", ca));
        _nodeB = WritePfx("node-b.pfx", Node("node-b", ca));
        _intruder = WritePfx("intruder.pfx", Node("intruder", other));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Node(string name, X509Certificate2 authority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        // Within the authority's validity (a node certificate may not outlive its issuer).
        using var signed = request.Create(authority, authority.NotBefore, authority.NotAfter.AddDays(-1), RandomNumberGenerator.GetBytes(12));
        return signed.CopyWithPrivateKey(key);
    }

    private string WritePem(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    private string WritePfx(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_dir, name);
        using (certificate) File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    private static string Scenario(string name) => Path.Combine(CliPaths.Repo(), "scenarios", name);

    private static JsonElement Json(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task A_tls_cluster_gives_the_sequential_digest_with_a_CA_and_with_one_shared_certificate()
    {
        string[] run = ["run", Scenario("small.yaml"), "--until", "12min", "--checkpoint-every", "5min", "--json", "--db", Path.Combine(_dir, "g.db")];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        // Node certificates signed by the cluster CA; the worker gets the paths, the password through its environment.
        var withCa = Json(await CliRunner.RunWithEnvAsync(WithPassword, [.. run, "--nodes", "2", "--tls-cert", _nodeA, "--tls-ca", _ca]));
        Assert.Equal(reference, withCa.GetProperty("digest").GetString());
        var placement = withCa.GetProperty("placement").EnumerateArray().ToList();
        Assert.Equal(2, placement.Select(p => p.GetProperty("pid").GetInt32()).Distinct().Count());
        Assert.All(placement, p => Assert.StartsWith("akka.ssl.tcp://gridactors@127.0.0.1:", p.GetProperty("address").GetString()));
        // No CA: every node presents the one cluster certificate, and peers are checked against its thumbprint.
        var shared = Json(await CliRunner.RunAsync([.. run, "--no-store", "--nodes", "2", "--tls-cert", _nodeB, "--tls-password", Password]));
        Assert.Equal(reference, shared.GetProperty("digest").GetString());
        Assert.Equal(2, shared.GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Nodes_whose_certificate_another_CA_signed_cannot_join_both_sides_report_the_refusal_and_the_intruder_stops()
    {
        string[] run = ["run", Scenario("small.yaml"), "--until", "12min", "--json", "--no-store", "--db", Path.Combine(_dir, "j.db")];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        int port = FreePort();
        string seed = $"akka.ssl.tcp://gridactors@127.0.0.1:{port}";
        using var coordinator = new LiveProcess(WithPassword,
            [.. run, "--port", port.ToString(), "--seed-nodes", seed, "--min-nodes", "2", "--tls-cert", _nodeA, "--tls-ca", _ca]);
        coordinator.WaitFor(@"waiting for 2 worker node\(s\)", TimeSpan.FromSeconds(60));

        using var intruder = new LiveProcess(WithPassword, ["node", "--seed-nodes", seed, "--tls-cert", _intruder, "--tls-ca", _otherCa, "--db", Path.Combine(_dir, "intruder.db")]);
        string intruderAddress = intruder.WaitFor(@"node (akka\.ssl\.tcp://\S+) started", TimeSpan.FromSeconds(60)).Groups[1].Value;
        // Each side checks the other's certificate against its own CA and refuses the handshake.
        intruder.WaitFor(@"TLS: refused the connection with .*'CN=node-a'.*does not chain to the cluster CA 'CN=GridActors spec other CA'", TimeSpan.FromSeconds(60));
        coordinator.WaitFor(@"TLS: refused the connection with .*'CN=intruder'.*does not chain to the cluster CA 'CN=GridActors spec cluster CA'", TimeSpan.FromSeconds(60));
        // Akka.Remote stops a node whose own connection failed its TLS handshake.
        var gone = await intruder.ExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"node {intruderAddress} stopped: its TLS handshake with a peer failed", gone.Stderr);
        // So does a run that tries to join with such a certificate: it fails instead of waiting for ever.
        var db = Path.Combine(_dir, "intruder-run.db");
        var refused = await CliRunner.RunWithEnvAsync(WithPassword, ["run", Scenario("small.yaml"), "--until", "12min", "--no-store", "--db", db,
            "--seed-nodes", seed, "--tls-cert", _intruder, "--tls-ca", _otherCa]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("stopped before the run finished: its TLS handshake with a peer failed", refused.Stderr);
        var runs = JsonDocument.Parse((await CliRunner.RunAsync("runs", "--json", "--db", db)).Stdout).RootElement;
        Assert.Equal("failed", Assert.Single(runs.EnumerateArray()).GetProperty("status").GetString());

        // A node with a certificate of the cluster's CA joins, and the run goes ahead on it and the coordinator only.
        using var member = new LiveProcess(WithPassword, ["node", "--seed-nodes", seed, "--tls-cert", _nodeB, "--tls-ca", _ca, "--db", Path.Combine(_dir, "member.db")]);
        var result = Json(await coordinator.ExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(reference, result.GetProperty("digest").GetString());
        var pids = result.GetProperty("placement").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToHashSet();
        Assert.Equal(new HashSet<int> { coordinator.Id, member.Id }, pids);
        Assert.DoesNotContain($"node {intruderAddress} joined", coordinator.Stderr);
        Assert.DoesNotContain("is up", intruder.Stderr);
    }

    [Fact]
    public async Task Unusable_tls_files_get_one_line_errors_with_exit_2_before_anything_starts()
    {
        var db = Path.Combine(_dir, "never.db");
        string[] run = ["run", Scenario("small.yaml"), "--nodes", "2", "--db", db];
        var keyless = Path.Combine(_dir, "keyless.pfx");
        using (var pfx = X509CertificateLoader.LoadPkcs12FromFile(_nodeA, Password))
        using (var publicOnly = X509CertificateLoader.LoadCertificate(pfx.RawData))
            File.WriteAllBytes(keyless, publicOnly.Export(X509ContentType.Pkcs12, Password));
        var garbage = Path.Combine(_dir, "garbage.crt");
        File.WriteAllText(garbage, "not a certificate");
        var missing = Path.Combine(_dir, "missing.pfx");

        async Task Refused(Dictionary<string, string> env, string[] args, string expected)
        {
            var r = await CliRunner.RunWithEnvAsync(env, args);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode} for {string.Join(' ', args)}\nstderr: {r.Stderr}");
            Assert.Contains(expected, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        await Refused(WithPassword, [.. run, "--tls-cert", missing], $"--tls-cert: file not found: {missing}");
        await Refused([], [.. run, "--tls-cert", _nodeA, "--tls-password", "wrong"], $"--tls-cert: cannot open {_nodeA} as a PKCS#12 (.pfx) file with the given password");
        await Refused(WithPassword, [.. run, "--tls-cert", keyless], $"--tls-cert: {keyless} holds no usable private key");
        await Refused(WithPassword, [.. run, "--tls-cert", _nodeA, "--tls-ca", garbage], $"--tls-ca: cannot read {garbage} as a certificate");
        await Refused(WithPassword, [.. run, "--tls-cert", _nodeA, "--tls-ca", missing], $"--tls-ca: file not found: {missing}");
        Assert.False(File.Exists(db), "a run with unusable TLS files was registered");
        // `node` takes the same settings from its environment.
        await Refused(new() { ["GRIDACTORS_TLS_CERT"] = missing }, ["node", "--seed-nodes", "akka.ssl.tcp://gridactors@127.0.0.1:1", "--db", db],
            $"--tls-cert: file not found: {missing}");
        Assert.False(File.Exists(db), "a node with unusable TLS files opened its store");

        // Options that do not fit together are ordinary option errors.
        var r = await CliRunner.RunAsync([.. run, "--tls-ca", _ca]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--tls-password and --tls-ca need --tls-cert", r.Stderr);
        r = await CliRunner.RunWithEnvAsync(WithPassword, ["node", "--seed-nodes", "akka.tcp://gridactors@127.0.0.1:1", "--tls-cert", _nodeA]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("is a plain TCP address, but this node uses TLS", r.Stderr);
        r = await CliRunner.RunAsync("node", "--seed-nodes", "akka.ssl.tcp://gridactors@127.0.0.1:1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("is a TLS address (akka.ssl.tcp): give this node the cluster's certificate with --tls-cert", r.Stderr);
    }
}
