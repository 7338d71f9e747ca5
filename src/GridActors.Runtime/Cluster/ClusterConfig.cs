using System.Globalization;
using Akka.Configuration;

namespace GridActors.Runtime.Cluster;

/// <summary>Where a node listens and whom it joins.</summary>
/// <param name="Host">Address to bind and advertise (127.0.0.1 unless told otherwise).</param>
/// <param name="Port">TCP port; 0 picks a free one.</param>
/// <param name="SeedNodes">Seed node addresses (<c>akka.tcp://gridactors@HOST:PORT</c>); empty = join itself (first node).</param>
/// <param name="Roles"><c>worker</c> hosts entities, <c>coordinator</c> may host the run coordinator.</param>
public sealed record ClusterNodeOptions(string Host, int Port, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles)
{
    public const string SystemName = "gridactors";
    public const string WorkerRole = "worker";
    public const string CoordinatorRole = "coordinator";

    /// <summary>Checks and normalises a seed node address; the message says what is wrong.</summary>
    public static string ParseSeed(string text)
    {
        var t = text.Trim();
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp" || uri.UserInfo != SystemName || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host))
            throw new FormatException($"seed node '{text}' is not an address like akka.tcp://{SystemName}@127.0.0.1:4053");
        return $"akka.tcp://{SystemName}@{uri.Host}:{uri.Port}";
    }
}

/// <summary>
/// HOCON for a GridActors cluster node: remoting over TCP (<see cref="SocketTransport"/>), the binary serializer for cross-node
/// messages, and a split-brain resolver tuned for simulations (see README "Clustered runs"):
/// <list type="bullet">
/// <item><c>keep-oldest</c>: the node that started the run (the seed, which hosts the coordinator) is the
/// oldest, so a lost worker is downed and the run goes on; a side without the oldest downs itself.</item>
/// <item>failure detection after 4 s without heartbeats and a decision after the membership has been stable
/// for 4 s, so a dead worker is removed ~8–12 s after it died instead of Akka's default ~45 s.</item>
/// </list>
/// Bytes travel through <see cref="SocketTransport"/> (plain TCP sockets, a reader thread per connection) rather than
/// Akka's DotNetty transport: 2-node PHOLD, 2 cores, interleaved runs: medians 4.07 vs 3.60 M events/s. DotNetty stays
/// configured for comparison (<c>GRIDACTORS_AKKA_CONFIG='akka.remote.enabled-transports = ["akka.remote.dot-netty.tcp"]'</c>),
/// with one I/O thread each way and writes flushed at once (<c>batching.enabled = off</c>).
/// Akka's own log is off (remoting reports every expected disconnect as an error); set
/// <c>GRIDACTORS_AKKA_LOGLEVEL=INFO</c> to see it. Frames may carry a whole run's placement and large event batches, hence 64 MiB frames.
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
                enabled-transports = ["akka.remote.gridactors-tcp"]
                gridactors-tcp {
                  transport-class = "{{typeof(SocketTransport).FullName}}, {{typeof(SocketTransport).Assembly.GetName().Name}}"
                  applied-adapters = []
                  transport-protocol = tcp
                  hostname = "{{o.Host}}"
                  port = {{o.Port.ToString(CultureInfo.InvariantCulture)}}
                  maximum-frame-size = 64MiB
                  socket-buffer-size = 4MiB
                }
                dot-netty.tcp {
                  hostname = "{{o.Host}}"
                  port = {{o.Port.ToString(CultureInfo.InvariantCulture)}}
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
