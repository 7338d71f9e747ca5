using System.Net.Sockets;
using Akka.Actor;
using Akka.Remote;
using Akka.TestKit.Xunit2;
using GridActors.Runtime.Cluster;

namespace GridActors.Runtime.Tests;

/// <summary>
/// The cluster's TCP transport (<see cref="SocketTransport"/>) between two actor systems configured like nodes: messages
/// arrive intact and in order whatever their size, a peer that goes away is reported, a malformed frame closes the
/// connection.
/// </summary>
public class SocketTransportSpecs : TestKit
{
    public SocketTransportSpecs() : base(ClusterConfig.For(new ClusterNodeOptions("127.0.0.1", 0, [], ["worker"]))) { }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    private static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    private static byte[] Pattern(int length, int seed)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)(i * 31 + seed);
        return b;
    }

    [Fact]
    public async Task Messages_of_every_size_arrive_intact_and_in_order_and_a_stopped_peer_is_reported()
    {
        Assert.Equal("akka.tcp", AddressOf(Sys).Protocol);
        var other = ActorSystem.Create(ClusterNodeOptions.SystemName, ClusterConfig.For(new ClusterNodeOptions("127.0.0.1", 0, [], ["worker"])));
        try
        {
            other.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = await Sys.ActorSelection(new RootActorPath(AddressOf(other)) / "user" / "echo").ResolveOne(TimeSpan.FromSeconds(10));
            // Sizes straddle the reader's 256 KiB buffer and the writer's 64 KiB frame buffer; the large ones make both grow.
            int[] sizes = [0, 1, 3, 4, 5, 100, 4_096, 65_531, 65_532, 65_536, 262_140, 262_144, 300_000, 5_000_000, 17, 1_000_000, 2];
            var sent = new List<byte[]>();
            for (int round = 0; round < 40; round++)
                foreach (int size in sizes)
                    if (size < 1_000_000 || round == 0)
                        sent.Add(Pattern(size, sent.Count));
            foreach (var m in sent) echo.Tell(m, TestActor);
            foreach (var m in sent)
            {
                var back = ExpectMsg<byte[]>(TimeSpan.FromSeconds(30));
                Assert.Equal(m.Length, back.Length);
                Assert.True(m.AsSpan().SequenceEqual(back), $"message of {m.Length} bytes changed or out of order");
            }

            Sys.EventStream.Subscribe(TestActor, typeof(DisassociatedEvent));
            await other.Terminate();
            var gone = FishForMessage<DisassociatedEvent>(e => e.RemoteAddress.Port == AddressOf(other).Port, TimeSpan.FromSeconds(20));
            Assert.Equal(AddressOf(other), gone.RemoteAddress);
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task A_frame_longer_than_the_maximum_closes_the_connection()
    {
        var address = AddressOf(Sys);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host!, address.Port!.Value);
        socket.ReceiveTimeout = 20_000;
        // 4-byte big-endian length: 1 GiB, beyond maximum-frame-size (64 MiB).
        socket.Send([0x40, 0, 0, 0, 1, 2, 3]);
        var buffer = new byte[16];
        Assert.Equal(0, socket.Receive(buffer)); // the node closed the connection instead of waiting for a gigabyte
    }
}
