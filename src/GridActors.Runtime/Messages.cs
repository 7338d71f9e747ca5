using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// The one message that travels between a node scheduler and one of its entity actors, both ways.
/// There is exactly one per entity and at most one in flight, so it is reused for every activation:
/// the scheduler fills <see cref="Horizon"/> and <see cref="Inbox"/>, the entity fills
/// <see cref="Outgoing"/>, <see cref="NextTime"/> and <see cref="Handled"/> and sends it back.
/// Node-local only (a scheduler and its entities always share a process), never serialised.
/// </summary>
public sealed class Activation(int local)
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

/// <summary>Coordinator → nodes: set up the run. <paramref name="NodeOf"/> places every entity on a node.</summary>
public sealed record InitializeNode(int Node, int NodeCount, int[] NodeOf, bool Resume = false);

/// <summary>Coordinator → nodes: take checkpoint <paramref name="K"/> (simulated time <paramref name="TimeMicros"/>) once the
/// previous window's cross-node events (<paramref name="ExpectedFrom"/>) arrived.</summary>
public sealed record BeginCheckpoint(int K, long TimeMicros, long Window, long[] ExpectedFrom);

/// <summary>Node → entity: journal your records and save your state (plus the events the node still holds for you).</summary>
public sealed record TakeCheckpoint(int K, long TimeMicros, SimEvent[] Undelivered);

/// <summary>Entity → node: checkpoint saved (or failed with <paramref name="Error"/>).</summary>
public sealed record CheckpointSaved(int Id, int K, long SequenceNr, string? Error = null);

/// <summary>Entity → node: its state for checkpoint <paramref name="K"/> is captured (the write goes on in the background).</summary>
public sealed record CheckpointCaptured(int Id, int K);

/// <summary>Node → coordinator: every local entity captured checkpoint <paramref name="K"/>; the simulation may go on.</summary>
public sealed record NodeCheckpointCaptured(int Node, int K);

/// <summary>Node → coordinator: every local entity saved checkpoint <paramref name="K"/>.</summary>
public sealed record NodeCheckpointDone(int Node, int K);

/// <summary>Coordinator → nodes: run window <paramref name="Window"/> up to (excluding) <paramref name="Horizon"/>.
/// A node starts only once it has received <c>ExpectedFrom[n]</c> events from node n for the previous window.</summary>
public sealed record StartWindow(long Window, long Horizon, long[] ExpectedFrom);

/// <summary>Node → coordinator: window finished (window 0 is initialisation).</summary>
public sealed record NodeWindowReport(int Node, long Window, long LocalMin, long[] SentTo, int Activations, long Events, long CrossEntity);

/// <summary>Node → node: the cross-node events of one window, as one batch.</summary>
public sealed record EventBatch(int FromNode, long Window, SimEvent[] Events);

/// <summary>Coordinator → nodes: the run ended; report every entity's final state.</summary>
public sealed record CollectFinal(long AfterWindow);

/// <summary>Node → entity: report your final state; <paramref name="Undelivered"/> are pending events the node still held.</summary>
public sealed record FinalRequest(SimEvent[] Undelivered);

/// <summary>Entity → node and node → coordinator: final states.</summary>
public sealed record EntityFinalReport(EntityFinal Final);
public sealed record NodeFinalReport(int Node, EntityFinal[] Finals);

/// <summary>Anything → coordinator: the run cannot continue.</summary>
public sealed record RunFailed(string Reason);
