using Akka.Actor;
using Akka.Persistence;
using GridActors.Kernel;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Runtime;

/// <summary>
/// The persistent host of one entity (persistence id <see cref="PersistenceIds.Entity"/>; snapshots in <see cref="SnapshotFormat"/>,
/// journal records as <see cref="JournalRecord"/>). It runs
/// activations exactly like <see cref="EntityActor"/>; at a checkpoint it captures its complete state
/// (including pending events) at the window boundary and reports it captured, so the run goes on; in the
/// background it journals the records its entity noted since the last checkpoint plus a checkpoint event
/// in one batch (PersistAllAsync), then saves the captured snapshot, and confirms the checkpoint only
/// after the snapshot store confirmed. When it
/// recovers from a snapshot it continues from there instead of initialising.
/// </summary>
public sealed class PersistentEntityActor : UntypedPersistentActor
{
    private readonly EntityHost _host;
    private readonly IActorRef _scheduler;
    private readonly string _persistenceId;
    private bool _recovered;
    private TakeCheckpoint? _pending;
    private IActorRef? _quiesceReplyTo;

    private void ReleaseQuiesce()
    {
        _quiesceReplyTo?.Tell(new Quiesced(_host.Id));
        _quiesceReplyTo = null;
    }

    private readonly bool _recover;

    /// <param name="recover">Recover from the store (a resumed run); a fresh run has nothing stored and skips the
    /// snapshot and journal queries (with 200,000 entities they dominated start-up).</param>
    public PersistentEntityActor(ISimModel model, int id, RunSettings settings, IActorRef scheduler, string persistenceId, bool recover = true)
    {
        _recover = recover;
        _host = new EntityHost(model, id, settings) { KeepRecords = true };
        _scheduler = scheduler;
        _persistenceId = persistenceId;
    }

    public override string PersistenceId => _persistenceId;

    public override Recovery Recovery => _recover ? Recovery.Default : Recovery.None;

    protected override void OnRecover(object message)
    {
        if (message is SnapshotOffer { Snapshot: byte[] bytes })
        {
            SnapshotFormat.Load(bytes, _host);
            _recovered = true;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case Activation a:
                EntityActor.Run(_host, a, initialise: !_recovered); // a recovered entity continues from its snapshot
                _scheduler.Tell(a, ActorRefs.NoSender);
                break;
            case TakeCheckpoint c:
                // Capture now (the state at the window boundary), write in the background: the
                // simulation goes on while the journal batch and then the snapshot are stored.
                _pending = c;
                var snapshot = SnapshotFormat.Write(c.K, c.TimeMicros, _host, c.Undelivered);
                var events = _host.TakeRecords().Select(r => (object)JournalRecord.Noted(r).Encode()).ToList();
                events.Add(JournalRecord.EntityCheckpoint(c.K, c.TimeMicros).Encode());
                int left = events.Count;
                PersistAllAsync(events, _ =>
                {
                    if (--left == 0) SaveSnapshot(snapshot);
                });
                _scheduler.Tell(new CheckpointCaptured(_host.Id, c.K));
                break;
            case SaveSnapshotSuccess s when _pending is { } done:
                _pending = null;
                _scheduler.Tell(new CheckpointSaved(_host.Id, done.K, s.Metadata.SequenceNr));
                ReleaseQuiesce();
                break;
            case SaveSnapshotFailure f:
                _scheduler.Tell(new CheckpointSaved(_host.Id, _pending?.K ?? -1, -1, $"snapshot of {_persistenceId} failed: {f.Cause.Message}"));
                _pending = null;
                ReleaseQuiesce();
                break;
            case FinalRequest f:
                Sender.Tell(new EntityFinalReport(_host.Final(f.Undelivered)));
                break;
            case Quiesce:
                // Answer once no checkpoint write is in progress: after that this actor writes nothing more.
                if (_pending is null) Sender.Tell(new Quiesced(_host.Id));
                else _quiesceReplyTo = Sender;
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _scheduler.Tell(new CheckpointSaved(_host.Id, _pending?.K ?? -1, -1, $"journal write of {_persistenceId} failed: {cause.Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

}

/// <summary>
/// The run coordinator's journal (persistence id <see cref="PersistenceIds.Coordinator"/>): one <see cref="JournalRecord.CheckpointComplete"/> marker per complete
/// checkpoint, written only after every entity confirmed its snapshot.
/// </summary>
public sealed class CheckpointJournal(string persistenceId) : UntypedPersistentActor
{
    public sealed record Mark(int K, long TimeMicros, long Window) : INoSerializationVerificationNeeded;
    public sealed record Marked(int K, long TimeMicros) : INoSerializationVerificationNeeded;

    /// <summary>Asks for the last complete checkpoint; answered (as <see cref="Marked"/>, K = 0 when none) after any marker being written.</summary>
    public sealed record GetLast : INoSerializationVerificationNeeded;

    public override string PersistenceId => persistenceId;

    private Marked _last = new(0, 0);

    protected override void OnRecover(object message)
    {
        if (message is byte[] bytes)
        {
            var marker = JournalRecord.Decode(bytes);
            _last = new Marked(marker.Checkpoint, marker.TimeMicros);
        }
    }

    protected override void OnCommand(object message)
    {
        if (message is GetLast)
        {
            Sender.Tell(_last);
            return;
        }
        if (message is not Mark m) { Unhandled(message); return; }
        var sender = Sender;
        var bytes = JournalRecord.CheckpointComplete(m.K, m.TimeMicros, m.Window).Encode();
        Persist(bytes, _ =>
        {
            _last = new Marked(m.K, m.TimeMicros);
            sender.Tell(_last);
        });
    }
}

/// <summary>Crash points for tests (environment variable <c>GRIDACTORS_CRASH_AT</c>): <c>checkpoint:K:partial</c>
/// kills the process while checkpoint K is half written; <c>checkpoint:K:after</c> right after it completed.</summary>
public static class CrashHook
{
    public const string Variable = "GRIDACTORS_CRASH_AT";

    private static readonly string? Point = Environment.GetEnvironmentVariable(Variable);

    public static void At(string point)
    {
        if (Point == point)
        {
            Console.Error.Flush();
            System.Diagnostics.Process.GetCurrentProcess().Kill(); // SIGKILL, like kill -9
        }
    }
}
