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

/// <summary>Node → entity: journal your records and save your state (plus the events the node still holds for you).</summary>
public sealed record TakeCheckpoint(int K, long TimeMicros, SimEvent[] Undelivered) : INoSerializationVerificationNeeded;

/// <summary>Entity → node: checkpoint saved (or failed with <paramref name="Error"/>).</summary>
public sealed record CheckpointSaved(int Id, int K, long SequenceNr, string? Error = null) : INoSerializationVerificationNeeded;

/// <summary>Entity → node: its state for checkpoint <paramref name="K"/> is captured (the write goes on in the background).</summary>
public sealed record CheckpointCaptured(int Id, int K) : INoSerializationVerificationNeeded;

/// <summary>Node → node: cross-node events of one window (lease), and a promise: the sender will send nothing more
/// earlier than <paramref name="Bound"/> in this window (it has processed everything that could cause such an event).
/// <paramref name="Data"/> holds <paramref name="Count"/> events encoded with the model's payload codec
/// (<see cref="EventBatchCodec"/>), so the batch serialises as one byte array whatever the model.</summary>
public sealed record EventBatch(int FromNode, long Window, int Count, byte[] Data, long Bound) : IClusterMessage;

/// <summary>Coordinator → node: events from outside the model (fault injections) for entities of that node, encoded like
/// an <see cref="EventBatch"/>. Always sent before the window that may process them opens.</summary>
public sealed record ExternalBatch(int Count, byte[] Data) : IClusterMessage;

/// <summary>Node → entity: report your final state; <paramref name="Undelivered"/> are pending events the node still held.</summary>
public sealed record FinalRequest(SimEvent[] Undelivered) : INoSerializationVerificationNeeded;

/// <summary>Entity → node: its final state.</summary>
public sealed record EntityFinalReport(EntityFinal Final) : INoSerializationVerificationNeeded;

/// <summary>Node host → scheduler → entities: stop working and finish any checkpoint write in progress (the run is being
/// re-placed after a node loss). Answered with <see cref="Quiesced"/> once nothing more will be written.</summary>
public sealed record Quiesce : INoSerializationVerificationNeeded
{
    public static readonly Quiesce Instance = new();
}

/// <summary>Entity → scheduler, scheduler → node host: nothing more will be written.</summary>
public sealed record Quiesced(int Id) : INoSerializationVerificationNeeded;

/// <summary>Marks the runtime's own messages that cross nodes; <see cref="GridActorsSerializer"/> is bound to it (and to the protocol's
/// <see cref="Kernel.Protocol.IProtocolMessage"/>).</summary>
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
