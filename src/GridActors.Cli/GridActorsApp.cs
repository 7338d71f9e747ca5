using GridActors.Cli.Commands;
using GridActors.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli;

/// <summary>The <c>gridactors</c> command line: one command per job, <c>--help</c> on every command.</summary>
public static class GridActorsApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gridactors");
            config.SetApplicationVersion(EngineInfo.Version);
            config.Settings.StrictParsing = true;
            config.AddCommand<RunCommand>("run")
                .WithDescription("Run a scenario: validates it, runs it (actors by default), prints a summary and writes the run folder.")
                .WithExample("run", "scenarios/small.yaml")
                .WithExample("run", "scenarios/small.yaml", "--until", "2h", "--executor", "sequential", "--json")
                .WithExample("run", "scenarios/china-token-supply-chain.yaml", "--nodes", "3")
                .WithExample("run", "scenarios/small.yaml", "--seed-nodes", "akka.tcp://gridactors@127.0.0.1:4053", "--min-nodes", "3");
            config.AddCommand<NodeCommand>("node")
                .WithDescription("Start a worker node: joins the cluster through the seed nodes and hosts entity actors until SIGTERM or Ctrl-C.")
                .WithExample("node", "--seed-nodes", "akka.tcp://gridactors@127.0.0.1:4053", "--port", "4054");
            config.AddCommand<ResumeCommand>("resume")
                .WithDescription("Continue an interrupted run from its last complete checkpoint; the digest equals an uninterrupted run's.")
                .WithExample("resume", "20261129-080000-small-s1-ab12cd");
            config.AddCommand<InjectCommand>("inject")
                .WithDescription("Inject a fault into a running run (actors executor): it takes effect at or after the run's safe horizon and is journaled with the run.")
                .WithExample("inject", "RUN", "cable-cut", "sjc2", "--at", "+30min", "--duration", "6h")
                .WithExample("inject", "RUN", "demand-spike", "all", "--multiplier", "3", "--duration", "2h");
            config.AddCommand<ReplayCommand>("replay")
                .WithDescription("Re-run a completed run's scenario and seed with its journaled injections and check that the digest is reproduced.")
                .WithExample("replay", "RUN");
            config.AddCommand<SweepCommand>("sweep")
                .WithDescription("N−1 / N−2 contingency sweep: the base case plus one run per single component (or pair of components) out, in parallel worker processes; ranks them by impact.")
                .WithExample("sweep", "scenarios/china-token-supply-chain.yaml", "--contingency", "n-1", "--kinds", "cable,link", "--parallel", "2")
                .WithExample("sweep", "scenarios/china-token-supply-chain.yaml", "--contingency", "n-2", "--kinds", "cable,landing-station", "--top", "8", "--parallel", "2");
            config.AddCommand<ReportCommand>("report")
                .WithDescription("Write a run's self-contained report.html (charts, fault timeline, topology map); every run writes one at its end.")
                .WithExample("report", "RUN");
            config.AddCommand<CompareCommand>("compare")
                .WithDescription("Render two runs side by side (differences, cost per million tokens and its ratio, paired charts) as one HTML page.")
                .WithExample("compare", "RUN_A", "RUN_B", "--out", "runs/china-vs-overseas.html");
            config.AddCommand<ConsoleCommand>("console")
                .WithDescription("Serve the web console: launch runs (clustered too), watch them live, inject faults, inspect persisted state; JSON API under /api.")
                .WithExample("console")
                .WithExample("console", "--port", "0", "--db", "runs/gridactors.db")
                .WithExample("console", "--host", "0.0.0.0", "--port", "5080", "--token", "a-long-secret-token-1234");
            config.AddCommand<RunsCommand>("runs")
                .WithDescription("List the run registry (id, scenario, seed, status, progress, last checkpoint, digest).")
                .WithExample("runs", "--json");
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Inspect a run's persisted state: an overview per entity kind, or one entity's state at a simulated time and its history.")
                .WithExample("inspect", "RUN")
                .WithExample("inspect", "RUN", "--entity", "hub/yrd-demo-zone", "--at", "6h", "--events");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("Compare two runs: which entities' final states and which metrics differ, and by how much.")
                .WithExample("diff", "RUN_A", "RUN_B");
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Write a synthetic scenario that replicates a topology K times (distinct ids, same structure) for scaling studies.")
                .WithExample("generate", "--scale", "10", "--out", "runs/x10.yaml");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Check a scenario file: prints entity counts, or every problem as FILE:LINE:COL: message.")
                .WithExample("validate", "scenarios/small.yaml");
            config.AddCommand<CalibrateCommand>("calibrate")
                .WithDescription("Run a scenario (sequential, no store, nothing written without --out) and check its calibration targets: exit 0 when every target is within its band, 5 when any misses, 1 on bad input.")
                .WithExample("calibrate", "scenarios/china-token-supply-chain.yaml")
                .WithExample("calibrate", "scenarios/small.yaml", "--until", "6h", "--seed", "3", "--json")
                .WithExample("calibrate", "scenarios/small.yaml", "--out", "runs/calibration");
            config.AddBranch("trace", trace =>
            {
                trace.SetDescription("Request-length traces in the Azure LLM inference trace layout (TIMESTAMP,ContextTokens,GeneratedTokens).");
                trace.AddCommand<TraceSynthCommand>("synth")
                    .WithDescription("Write a synthetic trace: Poisson arrivals at --rate, lognormal prompt and output lengths with the median and p90 of the Azure 2023 conversation or code trace.")
                    .WithExample("trace", "synth", "--out", "scenarios/traces/synthetic-conversation.csv", "--rows", "2000", "--rate", "5", "--kind", "conversation", "--seed", "1")
                    .WithExample("trace", "synth", "--kind", "code", "--rows", "500");
                trace.AddCommand<TraceStatsCommand>("stats")
                    .WithDescription("Print a trace's statistics (requests, duration, mean rate; mean, median, p90, p99 of both lengths), or every problem as FILE:LINE:COL: message (exit 1).")
                    .WithExample("trace", "stats", "scenarios/traces/synthetic-conversation.csv")
                    .WithExample("trace", "stats", "scenarios/traces/synthetic-conversation.csv", "--json");
            });
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Benchmarks of the simulation engine.");
                bench.AddCommand<PholdCommand>("phold")
                    .WithDescription("PHOLD, the standard parallel discrete-event benchmark: runs it and prints committed events, wall seconds, events/s and the digest.")
                    .WithExample("bench", "phold", "--lps", "2048", "--population", "16", "--remote", "0.25", "--mean", "1.0", "--lookahead", "0.1", "--end", "500", "--seed", "1", "--executor", "actors");
            });
            config.SetExceptionHandler((ex, _) =>
            {
                // One line, no stack trace: bad input is the user's to fix, and says exactly what is wrong.
                if (ex is OperationCanceledException)
                {
                    Console.Error.WriteLine("cancelled");
                    return 130;
                }
                var message = ex is CommandAppException or CommandParseException or CommandRuntimeException
                    ? ex.Message
                    : ex.GetBaseException().Message;
                Console.Error.WriteLine("error: " + message.ReplaceLineEndings(" ").Trim());
                return ex is UserInputException or GridActors.Reports.ReportException ? 2 : 1;
            });
        });
        // Ctrl-C cancels the running command (actor systems shut down) instead of killing the process.
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await app.RunAsync(args, cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
