using Akka.Actor;

namespace GridActors.Runtime.Cluster;

/// <summary>
/// What a node needs to build the model on its own: <paramref name="Kind"/> names the model family
/// (<c>scenario</c>, <c>phold</c>), <paramref name="Text"/> is its definition (scenario YAML, PHOLD
/// parameters), <paramref name="Hash"/> identifies it. Every node builds the identical model from it.
/// </summary>
public sealed record ModelSpec(string Kind, string Name, string Text, string Hash);

/// <summary>Builds models from specs on every node (supplied by the host application, which knows the model families).</summary>
public interface IModelFactory
{
    Kernel.ISimModel Build(ModelSpec spec);
}

/// <summary>
/// Coordinator → node host: build the model, create a node scheduler (node <paramref name="Node"/> of
/// <paramref name="NodeCount"/>) and answer <see cref="IncarnationReady"/>. An incarnation is one placement
/// of the run over the nodes; a node loss ends it and the next one resumes from the last complete checkpoint.
/// <paramref name="PersistencePrefix"/> is null for runs that keep no checkpoints.
/// </summary>
public sealed record StartIncarnation(string RunId, int Incarnation, ModelSpec Spec, ulong Seed, long EndMicros,
    int Node, int NodeCount, string? PersistencePrefix) : IClusterMessage;

/// <summary>Node host → coordinator: the node scheduler of <paramref name="Incarnation"/> is ready.</summary>
public sealed record IncarnationReady(int Incarnation, int Node, IActorRef Scheduler, int ProcessId, string Host) : IClusterMessage;

/// <summary>Node host → coordinator: the node cannot take part (e.g. the model does not build there, or it has no store).</summary>
public sealed record IncarnationFailed(int Incarnation, int Node, string Reason) : IClusterMessage;

/// <summary>Coordinator → node host: end <paramref name="Incarnation"/> (after its entities finished any write in progress).</summary>
public sealed record AbortIncarnation(int Incarnation) : IClusterMessage;

/// <summary>Node host → coordinator: the incarnation's actors have stopped; nothing more will be written.</summary>
public sealed record IncarnationAborted(int Incarnation, int Node) : IClusterMessage;
