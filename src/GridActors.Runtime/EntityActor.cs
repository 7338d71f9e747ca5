using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// Thin actor host of one entity: it owns the entity's <see cref="EntityHost"/> (state, random stream,
/// pending events) and runs it through the windows its node scheduler hands it. No domain rules here.
/// </summary>
public sealed class EntityActor : UntypedActor
{
    private readonly EntityHost _host;
    private readonly IActorRef _scheduler;

    public EntityActor(ISimModel model, int id, RunSettings settings, IActorRef scheduler)
    {
        _host = new EntityHost(model, id, settings);
        _scheduler = scheduler;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Activation a:
                try
                {
                    if (a.IsInit)
                    {
                        _host.Init(a.Outgoing);
                        a.Handled = 0;
                    }
                    else
                    {
                        var pending = _host.Pending;
                        foreach (var e in a.Inbox) pending.Push(e);
                        a.Inbox.Clear();
                        a.Handled = _host.RunUntil(a.Horizon, a.Outgoing);
                    }
                    a.NextTime = _host.NextTime;
                }
                catch (Exception ex)
                {
                    a.Error = ex.Message;
                }
                _scheduler.Tell(a, ActorRefs.NoSender);
                break;
            case FinalRequest f:
                Sender.Tell(new EntityFinalReport(_host.Final(f.Undelivered)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
