using System.Globalization;
using Akka.Configuration;

namespace GridActors.Runtime.Cluster;

/// <summary>Where a node listens, whom it joins and how it secures its connections.</summary>
/// <param name="Host">Address to bind and advertise (127.0.0.1 unless told otherwise).</param>
/// <param name="Port">TCP port; 0 picks a free one.</param>
/// <param name="SeedNodes">Seed node addresses (<c>akka.tcp://gridactors@HOST:PORT</c>, <c>akka.ssl.tcp://…</c> with TLS); empty = join itself (first node).</param>
/// <param name="Roles"><c>worker</c> hosts entities, <c>coordinator</c> may host the run coordinator.</param>
/// <param name="Tls">TLS material; null = plain TCP.</param>
public sealed record ClusterNodeOptions(string Host, int Port, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles, ClusterTlsOptions? Tls = null)
{
    public const string SystemName = "gridactors";
    public const string WorkerRole = "worker";
    public const string CoordinatorRole = "coordinator";

    /// <summary>The scheme of node addresses: Akka.Remote names its TLS transport <c>ssl.tcp</c>, so a TLS node's
    /// address is <c>akka.ssl.tcp://gridactors@HOST:PORT</c> and plain nodes are <c>akka.tcp://…</c>.</summary>
    public static string Protocol(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>Checks and normalises a seed node address for a node with or without TLS; the message says what is wrong.</summary>
    public static string ParseSeed(string text, bool tls)
    {
        var t = text.Trim();
        string expected = Protocol(tls);
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || uri.Scheme is not ("akka.tcp" or "akka.ssl.tcp") || uri.UserInfo != SystemName
            || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host))
            throw new FormatException($"seed node '{text}' is not an address like {expected}://{SystemName}@127.0.0.1:4053");
        if (uri.Scheme != expected)
            throw new FormatException(tls
                ? $"seed node '{text}' is a plain TCP address, but this node uses TLS (--tls-cert): TLS nodes have addresses like akka.ssl.tcp://{SystemName}@{uri.Host}:{uri.Port}"
                : $"seed node '{text}' is a TLS address (akka.ssl.tcp): give this node the cluster's certificate with --tls-cert");
        return $"{expected}://{SystemName}@{uri.Host}:{uri.Port}";
    }
}

/// <summary>
/// HOCON for a GridActors cluster node: remoting over Akka's DotNetty TCP transport (TLS when the node has a certificate,
/// see <see cref="ClusterTls"/>), the binary serializer for cross-node messages, and a split-brain resolver tuned for
/// simulations (see README "Clustered runs"):
/// <list type="bullet">
/// <item><c>keep-oldest</c>: the node that started the run (the seed, which hosts the coordinator) is the
/// oldest, so a lost worker is downed and the run goes on; a side without the oldest downs itself.</item>
/// <item>failure detection after 4 s without heartbeats and a decision after the membership has been stable
/// for 4 s, so a dead worker is removed ~8–12 s after it died instead of Akka's default ~45 s.</item>
/// </list>
/// DotNetty runs one I/O thread each way and flushes writes at once (<c>batching.enabled = off</c>); frames may carry a
/// whole run's placement and large event batches, hence 64 MiB frames, and socket buffers are 4 MiB. A home-made
/// transport (plain sockets, a reader thread per connection) replaced DotNetty for a while and was removed: in one
/// batch of 7 interleaved runs each it was 1.07× DotNetty on 2-node PHOLD (medians 2.663 vs 2.484 M events/s) and
/// 0.95× on 2-node <c>generate --scale 20</c> (0.597 vs 0.625 M), short of the 15 % on both that would have justified
/// owning a network stack, and it had no TLS.
/// Akka's own log is off (remoting reports every expected disconnect as an error); set
/// <c>GRIDACTORS_AKKA_LOGLEVEL=INFO</c> to see it. <c>GRIDACTORS_AKKA_CONFIG</c> takes HOCON that overrides all of this.
/// </summary>
public static class ClusterConfig
{
    public static Config For(ClusterNodeOptions o, bool serializeMessages = false)
    {
        string seeds = string.Join(", ", o.SeedNodes.Select(s => "\"" + s + "\""));
        string roles = string.Join(", ", o.Roles.Select(s => "\"" + s + "\""));
        // GRIDACTORS_AKKA_CONFIG: extra HOCON that overrides the settings below (for tuning experiments).
        var extra = Environment.GetEnvironmentVariable("GRIDACTORS_AKKA_CONFIG");
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = {{(Environment.GetEnvironmentVariable("GRIDACTORS_AKKA_LOGLEVEL") ?? "OFF")}}
              stdout-loglevel = OFF
              actor {
                provider = cluster
                serialize-messages = {{(serializeMessages ? "on" : "off")}}
                serializers { gridactors = "GridActors.Runtime.GridActorsSerializer, GridActors.Runtime" }
                serialization-bindings {
                  "GridActors.Runtime.IClusterMessage, GridActors.Runtime" = gridactors
                  "GridActors.Kernel.Protocol.IProtocolMessage, GridActors.Kernel" = gridactors
                }
              }
              remote {
                log-remote-lifecycle-events = off
                enabled-transports = ["akka.remote.dot-netty.tcp"]
                dot-netty.tcp {
                  hostname = "{{o.Host}}"
                  port = {{o.Port.ToString(CultureInfo.InvariantCulture)}}
                  # With TLS the certificate and the peer check come from the DotNettySslSetup that ClusterNode passes
                  # (ClusterTls); the node then listens with TLS on the same port.
                  enable-ssl = {{(o.Tls is null ? "off" : "on")}}
                  maximum-frame-size = 64MiB
                  send-buffer-size = 4MiB
                  receive-buffer-size = 4MiB
                  batching.enabled = off
                  # One I/O thread each way instead of two: a node has one connection per peer, and every idle
                  # thread that wakes for a frame costs the simulation thread CPU on a small machine.
                  server-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
                  client-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
                }
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{roles}}]
                log-info = off
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = 4s
                  keep-oldest.down-if-alone = on
                }
                failure-detector {
                  heartbeat-interval = 1s
                  acceptable-heartbeat-pause = 4s
                }
                run-coordinated-shutdown-when-down = on
                singleton.hand-over-retry-interval = 1s
              }
              coordinated-shutdown {
                exit-clr = off
                # A leaving node waits for the remaining members to confirm its removal; in a simulation
                # cluster that ends together this is not worth Akka's default 10 s.
                phases.cluster-exiting.timeout = 2s
              }
            }
            """);
        return string.IsNullOrWhiteSpace(extra) ? config : ConfigurationFactory.ParseString(extra).WithFallback(config);
    }
}
