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

    /// <summary>
    /// Carries out one activation on a host: initial events (when <paramref name="initialise"/>), or
    /// every event before the horizon after taking in the inbox. Errors travel back in the activation.
    /// </summary>
    public static void Run(EntityHost host, Activation a, bool initialise)
    {
        try
        {
            if (a.IsInit)
            {
                if (initialise) host.Init(a.Outgoing);
                a.Handled = 0;
            }
            else
            {
                var pending = host.Pending;
                foreach (var e in a.Inbox) pending.Push(e);
                a.Inbox.Clear();
                a.Handled = host.RunUntil(a.Horizon, a.Outgoing);
            }
            a.NextTime = host.NextTime;
        }
        catch (Exception ex)
        {
            a.Error = ex.Message;
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Activation a:
                Run(_host, a, initialise: true);
                _scheduler.Tell(a, ActorRefs.NoSender);
                break;
            case FinalRequest f:
                Sender.Tell(new EntityFinalReport(_host.Final(f.Undelivered)));
                break;
            case Quiesce:
                Sender.Tell(new Quiesced(_host.Id));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
