using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// The one message that travels between a node scheduler and one of its entity actors, both ways.
/// There is exactly one per entity and at most one in flight, so it is reused for every activation:
/// the scheduler fills <see cref="Horizon"/> and <see cref="Inbox"/>, the entity fills
/// <see cref="Outgoing"/>, <see cref="NextTime"/> and <see cref="Handled"/> and sends it back.
/// Node-local only (a scheduler and its entities always share a process), never serialised.
/// Messages that cross nodes implement <see cref="IClusterMessage"/> and travel through <see cref="GridActorsSerializer"/>.
/// </summary>
public sealed class Activation(int local) : INoSerializationVerificationNeeded
{
    public int Local { get; } = local;
    public bool IsInit;
    public long Horizon;
    public List<SimEvent> Inbox = [];
    public readonly List<SimEvent> Outgoing = [];
    public long NextTime;
    public int Handled;
    public string? Error;
}

/// <summary>Coordinator → nodes: set up the run. <paramref name="NodeOf"/> places every entity on a node;
/// <paramref name="CrossLookahead"/> is the smallest delay of an event between nodes (what a node's promises to its peers rest on).</summary>
public sealed record InitializeNode(int Node, int NodeCount, int[] NodeOf, bool Resume = false, long CrossLookahead = 1) : IClusterMessage;

/// <summary>Coordinator → nodes: take checkpoint <paramref name="K"/> (simulated time <paramref name="TimeMicros"/>) once the
/// previous window's cross-node events (<paramref name="ExpectedFrom"/>) arrived.</summary>
public sealed record BeginCheckpoint(int K, long TimeMicros, long Window, long[] ExpectedFrom) : IClusterMessage;

/// <summary>Node → entity: journal your records and save your state (plus the events the node still holds for you).</summary>
public sealed record TakeCheckpoint(int K, long TimeMicros, SimEvent[] Undelivered) : INoSerializationVerificationNeeded;

/// <summary>Entity → node: checkpoint saved (or failed with <paramref name="Error"/>).</summary>
public sealed record CheckpointSaved(int Id, int K, long SequenceNr, string? Error = null) : INoSerializationVerificationNeeded;

/// <summary>Entity → node: its state for checkpoint <paramref name="K"/> is captured (the write goes on in the background).</summary>
public sealed record CheckpointCaptured(int Id, int K) : INoSerializationVerificationNeeded;

/// <summary>Node → coordinator: every local entity captured checkpoint <paramref name="K"/>; the simulation may go on.</summary>
public sealed record NodeCheckpointCaptured(int Node, int K) : IClusterMessage;

/// <summary>Node → coordinator: every local entity saved checkpoint <paramref name="K"/>.</summary>
public sealed record NodeCheckpointDone(int Node, int K) : IClusterMessage;

/// <summary>Coordinator → nodes: open window (lease) <paramref name="Window"/>. Every node may process its events before
/// <paramref name="Horizon"/> (the global earliest event plus the lookahead between nodes) at once; up to
/// <paramref name="LeaseEnd"/> (≥ Horizon) the nodes go on by themselves, each processing events before the smallest
/// promise its peers sent (<see cref="EventBatch.Bound"/>). A node starts only once it has received
/// <c>ExpectedFrom[n]</c> events from node n in the previous window.</summary>
public sealed record StartWindow(long Window, long Horizon, long[] ExpectedFrom, long LeaseEnd) : IClusterMessage;

/// <summary>Node → coordinator: window (lease) finished (window 0 is initialisation). <paramref name="LocalMin"/> is the
/// earliest event the node holds or sent on; <paramref name="Steps"/> counts the sub-windows it ran, <paramref name="Waits"/>
/// the times it stopped for a peer's promise.</summary>
public sealed record NodeWindowReport(int Node, long Window, long LocalMin, long[] SentTo, int Activations, long Events, long CrossEntity,
    int BatchesSent = 0, long BytesSent = 0, int Steps = 0, int Waits = 0) : IClusterMessage;

/// <summary>Node → node: cross-node events of one window (lease), and a promise: the sender will send nothing more
/// earlier than <paramref name="Bound"/> in this window (it has processed everything that could cause such an event).
/// <paramref name="Data"/> holds <paramref name="Count"/> events encoded with the model's payload codec
/// (<see cref="EventBatchCodec"/>), so the batch serialises as one byte array whatever the model.</summary>
public sealed record EventBatch(int FromNode, long Window, int Count, byte[] Data, long Bound) : IClusterMessage;

/// <summary>Coordinator → node: events from outside the model (fault injections) for entities of that node, encoded like
/// an <see cref="EventBatch"/>. Always sent before the window that may process them opens.</summary>
public sealed record ExternalBatch(int Count, byte[] Data) : IClusterMessage;

/// <summary>Coordinator → nodes: the run ended; report every entity's final state once the batches other nodes sent
/// in <paramref name="AfterWindow"/> (<paramref name="ExpectedFrom"/> events per node) have arrived — their events are
/// pending state and belong in the digest.</summary>
public sealed record CollectFinal(long AfterWindow, long[] ExpectedFrom) : IClusterMessage;

/// <summary>Node → entity: report your final state; <paramref name="Undelivered"/> are pending events the node still held.</summary>
public sealed record FinalRequest(SimEvent[] Undelivered) : INoSerializationVerificationNeeded;

/// <summary>Entity → node and node → coordinator: final states.</summary>
public sealed record EntityFinalReport(EntityFinal Final) : INoSerializationVerificationNeeded;
public sealed record NodeFinalReport(int Node, EntityFinal[] Finals) : IClusterMessage;

/// <summary>Anything → coordinator: the run cannot continue.</summary>
public sealed record RunFailed(string Reason) : IClusterMessage;

/// <summary>Node host → scheduler → entities: stop working and finish any checkpoint write in progress (the run is being
/// re-placed after a node loss). Answered with <see cref="Quiesced"/> once nothing more will be written.</summary>
public sealed record Quiesce : INoSerializationVerificationNeeded
{
    public static readonly Quiesce Instance = new();
}

/// <summary>Entity → scheduler, scheduler → node host: nothing more will be written.</summary>
public sealed record Quiesced(int Id) : INoSerializationVerificationNeeded;

/// <summary>Marks the messages that cross nodes; <see cref="GridActorsSerializer"/> is bound to it.</summary>
public interface IClusterMessage;

/// <summary>Encodes the events of one <see cref="EventBatch"/> with the model's payload codec.</summary>
public static class EventBatchCodec
{
    public static byte[] Encode(List<SimEvent> events, IPayloadCodec codec, MemoryStream buffer)
    {
        buffer.SetLength(0);
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            foreach (var e in events) EntityHost.WriteEvent(w, e, codec);
        return buffer.ToArray();
    }

    public static SimEvent[] Decode(EventBatch batch, IPayloadCodec codec)
    {
        var events = new SimEvent[batch.Count];
        using var r = new BinaryReader(new MemoryStream(batch.Data, writable: false));
        for (int i = 0; i < events.Length; i++) events[i] = EntityHost.ReadEvent(r, codec);
        if (r.BaseStream.Position != batch.Data.Length)
            throw new InvalidDataException($"event batch from node {batch.FromNode} (window {batch.Window}) has {batch.Data.Length - r.BaseStream.Position} bytes after its {batch.Count} events");
        return events;
    }
}
