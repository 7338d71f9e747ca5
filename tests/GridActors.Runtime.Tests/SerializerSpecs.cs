using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.Phold;
using GridActors.Runtime;
using GridActors.Runtime.Cluster;
using GridActors.TestSupport;

namespace GridActors.Runtime.Tests;

/// <summary>Every message that crosses nodes survives the binary serializer unchanged (compared field by field).</summary>
public class SerializerSpecs : TestKit
{
    private object RoundTrip(object message)
    {
        var ser = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<GridActorsSerializer>(ser);
        var bytes = ser.ToBinary(message);
        var back = ser.FromBinary(bytes, ser.Manifest(message));
        Assert.Equal(message.GetType(), back.GetType());
        return back;
    }

    public SerializerSpecs() : base(ClusterConfig.For(new ClusterNodeOptions("127.0.0.1", 0, [], ["worker"]))) { }

    public static IEnumerable<object[]> Messages()
    {
        var spec = new ModelSpec("phold", "phold", "{\"Lps\":4}", "ABC");
        yield return [new InitializeNode(1, 3, [0, 0, 1, 2, 2], Resume: true, CrossLookahead: 100_000)];
        yield return [new BeginCheckpoint(4, 3_600_000_000, 77, [1, 0, 5])];
        yield return [new NodeCheckpointCaptured(2, 9)];
        yield return [new NodeCheckpointDone(2, 9)];
        yield return [new StartWindow(12, 99_000, [3, 0, 7], 1_600_000)];
        yield return [new NodeWindowReport(1, 12, long.MaxValue, [0, 4, 2], 17, 1234, 55, 2, 640, 64, 63)];
        yield return [new EventBatch(2, 12, 2, [1, 2, 3, 4, 5, 6, 7], 1_234_567)];
        yield return [new CollectFinal(400, [3, 0, 7])];
        yield return [new ExternalBatch(1, [5, 4, 3])];
        yield return [new NodeFinalReport(1, [new EntityFinal(5, [1, 2, 3], [0.5, double.NaN, -1e300], 42, [9, 8]), new EntityFinal(6, [], [], 0, [])])];
        yield return [new RunFailed("lookahead violated: ünïcode ✓")];
        yield return [new StartIncarnation("run-1", 3, spec, ulong.MaxValue, 86_400_000_000, 2, 3, "run-x")];
        yield return [new StartIncarnation("run-1", 3, spec, 1, 2, 0, 1, null)];
        yield return [new IncarnationFailed(3, 1, "no store")];
        yield return [new AbortIncarnation(3)];
        yield return [new IncarnationAborted(3, 2)];
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cross_node_message_round_trips(object message)
    {
        var back = RoundTrip(message);
        // Records compare arrays by reference: compare their serialized forms and their printed fields instead.
        var ser = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        Assert.Equal(ser.ToBinary(message), ser.ToBinary(back));
        Assert.Equal(Flatten(message), Flatten(back));
    }

    private static string Flatten(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType(),
        new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    [Fact]
    public void Actor_references_round_trip_to_the_same_actor()
    {
        var a = Sys.ActorOf(Props.Empty, "a");
        var b = Sys.ActorOf(Props.Empty, "b");
        var peers = (NodeScheduler.Peers)RoundTrip(new NodeScheduler.Peers([a, b]));
        Assert.Equal([a, b], peers.Nodes);
        var ready = (IncarnationReady)RoundTrip(new IncarnationReady(2, 1, b, 1234, "host-a"));
        Assert.Equal(b, ready.Scheduler);
        Assert.Equal((2, 1, 1234, "host-a"), (ready.Incarnation, ready.Node, ready.ProcessId, ready.Host));
    }

    [Fact]
    public void Event_batches_carry_model_payloads_through_the_codec()
    {
        var model = new GridActors.Model.SupplyChain.SupplyChainModel(SupplyChainSamples.Small());
        // Collect real events with payloads from a short sequential run's first window of a host.
        var outgoing = new List<SimEvent>();
        foreach (int id in new[] { GridActors.Model.SupplyChain.EntityKinds.Plant, GridActors.Model.SupplyChain.EntityKinds.Hub, GridActors.Model.SupplyChain.EntityKinds.Users }.Select(model.First))
        {
            var host = new EntityHost(model, id, new RunSettings(1, SimTime.FromSeconds(3600)));
            host.Init(outgoing);
            host.RunUntil(SimTime.FromSeconds(120).Micros, outgoing);
        }
        Assert.True(outgoing.Select(e => e.Payload?.GetType()).Distinct().Count() >= 3, "several payload types");
        var data = EventBatchCodec.Encode(outgoing, model.Codec, new MemoryStream());
        var batch = (EventBatch)RoundTrip(new EventBatch(0, 1, outgoing.Count, data, long.MaxValue));
        var decoded = EventBatchCodec.Decode(batch, model.Codec);
        Assert.Equal(outgoing.Count, decoded.Length);
        for (int i = 0; i < decoded.Length; i++)
        {
            Assert.Equal((outgoing[i].Time, outgoing[i].Order, outgoing[i].Target), (decoded[i].Time, decoded[i].Order, decoded[i].Target));
            Assert.Equal(outgoing[i].Payload, decoded[i].Payload);
        }
        var truncated = batch with { Data = batch.Data[..^1] };
        Assert.ThrowsAny<Exception>(() => EventBatchCodec.Decode(truncated, model.Codec));
    }

    [Fact]
    public void Node_local_messages_are_never_serialized()
    {
        foreach (var local in new object[] { new Activation(0), new TakeCheckpoint(1, 2, []), new CheckpointCaptured(1, 1), new CheckpointSaved(1, 1, 1),
                     new FinalRequest([]), Quiesce.Instance, new Quiesced(1), new RunCoordinator.Begin() })
            Assert.IsAssignableFrom<INoSerializationVerificationNeeded>(local);
        Assert.Throws<ArgumentException>(() => new GridActorsSerializer((ExtendedActorSystem)Sys).Manifest(new Activation(0)));
    }
}
