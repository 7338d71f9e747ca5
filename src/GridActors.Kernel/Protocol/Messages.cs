namespace GridActors.Kernel.Protocol;

/// <summary>
/// Marks the messages of the synchronisation protocol. They are plain records (no transport): the windowed executor
/// hands them from one protocol object to another in memory, the actor runtime sends them between actors and, across
/// cluster nodes, serialises them with its binary serializer (bound to this interface).
/// </summary>
public interface IProtocolMessage;

/// <summary>Coordinator → nodes: set up the run. <paramref name="NodeOf"/> places every entity on a node;
/// <paramref name="CrossLookahead"/> is the smallest delay of an event between nodes (what a node's promises to its peers rest on).</summary>
public sealed record InitializeNode(int Node, int NodeCount, int[] NodeOf, bool Resume = false, long CrossLookahead = 1) : IProtocolMessage;

/// <summary>Coordinator → nodes: open window (lease) <paramref name="Window"/>. Every node may process its events before
/// <paramref name="Horizon"/> (the global earliest event plus the lookahead between nodes) at once; up to
/// <paramref name="LeaseEnd"/> (≥ Horizon) the nodes go on by themselves, each processing events before the smallest
/// promise its peers sent with their batches. A node starts only once it has received <c>ExpectedFrom[n]</c> events from
/// node n in the previous window.</summary>
public sealed record StartWindow(long Window, long Horizon, long[] ExpectedFrom, long LeaseEnd) : IProtocolMessage;

/// <summary>Node → coordinator: window (lease) finished (window 0 is initialisation). <paramref name="LocalMin"/> is the
/// earliest event the node holds or sent on; <paramref name="Steps"/> counts the sub-windows it ran, <paramref name="Waits"/>
/// the times it stopped for a peer's promise.</summary>
public sealed record NodeWindowReport(int Node, long Window, long LocalMin, long[] SentTo, int Activations, long Events, long CrossEntity,
    int BatchesSent = 0, long BytesSent = 0, int Steps = 0, int Waits = 0) : IProtocolMessage;

/// <summary>Coordinator → nodes: take checkpoint <paramref name="K"/> (simulated time <paramref name="TimeMicros"/>) once the
/// cross-node events of window <paramref name="Window"/> (<paramref name="ExpectedFrom"/>) arrived.</summary>
public sealed record BeginCheckpoint(int K, long TimeMicros, long Window, long[] ExpectedFrom) : IProtocolMessage;

/// <summary>Node → coordinator: every local entity captured checkpoint <paramref name="K"/>; the simulation may go on.</summary>
public sealed record NodeCheckpointCaptured(int Node, int K) : IProtocolMessage;

/// <summary>Node → coordinator: every local entity saved checkpoint <paramref name="K"/>.</summary>
public sealed record NodeCheckpointDone(int Node, int K) : IProtocolMessage;

/// <summary>Coordinator → nodes: the run ended; report every entity's final state once the batches other nodes sent
/// in <paramref name="AfterWindow"/> (<paramref name="ExpectedFrom"/> events per node) have arrived — their events are
/// pending state and belong in the digest.</summary>
public sealed record CollectFinal(long AfterWindow, long[] ExpectedFrom) : IProtocolMessage;

/// <summary>Node → coordinator: the final states of the node's entities.</summary>
public sealed record NodeFinalReport(int Node, EntityFinal[] Finals) : IProtocolMessage;

/// <summary>Anything → coordinator: the run cannot continue.</summary>
public sealed record RunFailed(string Reason) : IProtocolMessage;

/// <summary>Progress of a run, as the coordinator sees it after a window.</summary>
public sealed record RunProgress(SimTime Time, long Events, long Windows);
