using System.Text;
using Akka.Actor;
using Akka.Serialization;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Runtime.Cluster;

namespace GridActors.Runtime;

/// <summary>
/// Binary serializer for every message that crosses nodes (<see cref="IClusterMessage"/> and the protocol's
/// <see cref="IProtocolMessage"/>): fixed layouts
/// written with <see cref="BinaryWriter"/>, a short string manifest per type. Event batches arrive already
/// encoded by the model's codec, so they cost one byte-array copy.
/// </summary>
public sealed class GridActorsSerializer : SerializerWithStringManifest
{
    public GridActorsSerializer(ExtendedActorSystem system) : base(system) { }

    public const int Id = 4711;
    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        EventBatch => "B",
        ExternalBatch => "XB",
        StartWindow => "W",
        NodeWindowReport => "R",
        BeginCheckpoint => "C",
        NodeCheckpointCaptured => "CC",
        NodeCheckpointDone => "CD",
        InitializeNode => "I",
        NodeScheduler.Peers => "P",
        CollectFinal => "F",
        NodeFinalReport => "FR",
        RunFailed => "X",
        StartIncarnation => "SI",
        IncarnationReady => "IR",
        IncarnationFailed => "IF",
        AbortIncarnation => "AI",
        IncarnationAborted => "IA",
        _ => throw new ArgumentException($"{nameof(GridActorsSerializer)} cannot serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object o)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) Write(w, o);
        return ms.ToArray();
    }

    private void Write(BinaryWriter w, object o)
    {
        switch (o)
        {
            case ExternalBatch x:
                w.Write(x.Count); WriteBytes(w, x.Data);
                break;
            case EventBatch b:
                w.Write(b.FromNode); w.Write(b.Window); w.Write(b.Count); WriteBytes(w, b.Data); w.Write(b.Bound);
                break;
            case StartWindow s:
                w.Write(s.Window); w.Write(s.Horizon); WriteLongs(w, s.ExpectedFrom); w.Write(s.LeaseEnd);
                break;
            case NodeWindowReport r:
                w.Write(r.Node); w.Write(r.Window); w.Write(r.LocalMin); WriteLongs(w, r.SentTo); w.Write(r.Activations);
                w.Write(r.Events); w.Write(r.CrossEntity); w.Write(r.BatchesSent); w.Write(r.BytesSent); w.Write(r.Steps); w.Write(r.Waits);
                break;
            case BeginCheckpoint c:
                w.Write(c.K); w.Write(c.TimeMicros); w.Write(c.Window); WriteLongs(w, c.ExpectedFrom);
                break;
            case NodeCheckpointCaptured c:
                w.Write(c.Node); w.Write(c.K);
                break;
            case NodeCheckpointDone c:
                w.Write(c.Node); w.Write(c.K);
                break;
            case InitializeNode i:
                w.Write(i.Node); w.Write(i.NodeCount); w.Write(i.Resume);
                w.Write(i.NodeOf.Length);
                foreach (var n in i.NodeOf) w.Write(n);
                w.Write(i.CrossLookahead);
                break;
            case NodeScheduler.Peers p:
                w.Write(p.Nodes.Length);
                foreach (var n in p.Nodes) WriteRef(w, n);
                break;
            case CollectFinal f:
                w.Write(f.AfterWindow); WriteLongs(w, f.ExpectedFrom);
                break;
            case NodeFinalReport f:
                w.Write(f.Node); w.Write(f.Finals.Length);
                foreach (var e in f.Finals)
                {
                    w.Write(e.Id); WriteBytes(w, e.StateHash); w.Write(e.Metrics.Length);
                    foreach (var m in e.Metrics) w.Write(m);
                    w.Write(e.EventsHandled); WriteBytes(w, e.Report);
                }
                break;
            case RunFailed x:
                w.Write(x.Reason);
                break;
            case StartIncarnation s:
                w.Write(s.RunId); w.Write(s.Incarnation); w.Write(s.Spec.Kind); w.Write(s.Spec.Name); w.Write(s.Spec.Text); w.Write(s.Spec.Hash);
                w.Write(s.Seed); w.Write(s.EndMicros); w.Write(s.Node); w.Write(s.NodeCount);
                w.Write(s.PersistencePrefix is not null);
                if (s.PersistencePrefix is not null) w.Write(s.PersistencePrefix);
                break;
            case IncarnationReady r:
                w.Write(r.Incarnation); w.Write(r.Node); WriteRef(w, r.Scheduler); w.Write(r.ProcessId); w.Write(r.Host);
                break;
            case IncarnationFailed f:
                w.Write(f.Incarnation); w.Write(f.Node); w.Write(f.Reason);
                break;
            case AbortIncarnation a:
                w.Write(a.Incarnation);
                break;
            case IncarnationAborted a:
                w.Write(a.Incarnation); w.Write(a.Node);
                break;
            default:
                throw new ArgumentException($"{nameof(GridActorsSerializer)} cannot serialize {o.GetType()}");
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        object result = manifest switch
        {
            "XB" => new ExternalBatch(r.ReadInt32(), ReadBytes(r)),
            "B" => new EventBatch(r.ReadInt32(), r.ReadInt64(), r.ReadInt32(), ReadBytes(r), r.ReadInt64()),
            "W" => new StartWindow(r.ReadInt64(), r.ReadInt64(), ReadLongs(r), r.ReadInt64()),
            "R" => new NodeWindowReport(r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), ReadLongs(r), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32()),
            "C" => new BeginCheckpoint(r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), ReadLongs(r)),
            "CC" => new NodeCheckpointCaptured(r.ReadInt32(), r.ReadInt32()),
            "CD" => new NodeCheckpointDone(r.ReadInt32(), r.ReadInt32()),
            "I" => ReadInitialize(r),
            "P" => new NodeScheduler.Peers(Enumerable.Range(0, r.ReadInt32()).Select(_ => ReadRef(r)).ToArray()),
            "F" => new CollectFinal(r.ReadInt64(), ReadLongs(r)),
            "FR" => ReadFinals(r),
            "X" => new RunFailed(r.ReadString()),
            "SI" => new StartIncarnation(r.ReadString(), r.ReadInt32(), new ModelSpec(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString()),
                r.ReadUInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean() ? r.ReadString() : null),
            "IR" => new IncarnationReady(r.ReadInt32(), r.ReadInt32(), ReadRef(r), r.ReadInt32(), r.ReadString()),
            "IF" => new IncarnationFailed(r.ReadInt32(), r.ReadInt32(), r.ReadString()),
            "AI" => new AbortIncarnation(r.ReadInt32()),
            "IA" => new IncarnationAborted(r.ReadInt32(), r.ReadInt32()),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(GridActorsSerializer)}"),
        };
        if (r.BaseStream.Position != bytes.Length)
            throw new System.Runtime.Serialization.SerializationException($"message '{manifest}' has {bytes.Length - r.BaseStream.Position} trailing bytes");
        return result;
    }

    private static InitializeNode ReadInitialize(BinaryReader r)
    {
        int node = r.ReadInt32(), count = r.ReadInt32();
        bool resume = r.ReadBoolean();
        var nodeOf = new int[r.ReadInt32()];
        for (int i = 0; i < nodeOf.Length; i++) nodeOf[i] = r.ReadInt32();
        return new InitializeNode(node, count, nodeOf, resume, r.ReadInt64());
    }

    private static NodeFinalReport ReadFinals(BinaryReader r)
    {
        int node = r.ReadInt32();
        var finals = new EntityFinal[r.ReadInt32()];
        for (int i = 0; i < finals.Length; i++)
        {
            int id = r.ReadInt32();
            var hash = ReadBytes(r);
            var metrics = new double[r.ReadInt32()];
            for (int m = 0; m < metrics.Length; m++) metrics[m] = r.ReadDouble();
            finals[i] = new EntityFinal(id, hash, metrics, r.ReadInt64(), ReadBytes(r));
        }
        return new NodeFinalReport(node, finals);
    }

    private static void WriteBytes(BinaryWriter w, byte[] b) { w.Write(b.Length); w.Write(b); }
    private static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());

    private static void WriteLongs(BinaryWriter w, long[] a)
    {
        w.Write(a.Length);
        foreach (var v in a) w.Write(v);
    }

    private static long[] ReadLongs(BinaryReader r)
    {
        var a = new long[r.ReadInt32()];
        for (int i = 0; i < a.Length; i++) a[i] = r.ReadInt64();
        return a;
    }

    private static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Serialization.SerializedActorPath(actor));
    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());
}
