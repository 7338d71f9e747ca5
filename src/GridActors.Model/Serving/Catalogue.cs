namespace GridActors.Model.Serving;

/// <summary>
/// One entry of a scenario's accelerator catalogue (<c>accelerators:</c>): an accelerator type with its power by phase
/// (W per accelerator), HBM, rental price, and how a replica of the scenario's served model runs on it —
/// <see cref="PerReplica"/> accelerators, at most <see cref="MaxBatch"/> sequences, the step-time coefficients, the model's
/// weights and KV bytes per token, and the node overhead per replica. <see cref="Replica"/> is the engine's view of it.
/// </summary>
public sealed record AcceleratorSpec(string Id)
{
    public double IdleW { get; init; }
    public double PrefillW { get; init; }
    public double DecodeBatch1W { get; init; }
    public double DecodeFullW { get; init; }
    public double HbmGB { get; init; }
    public double RentalUsdPerHour { get; init; }
    public int PerReplica { get; init; } = 8;
    public int PrefillPerReplica { get; init; }
    public int MaxBatch { get; init; } = 256;
    public double StepBaseMicros { get; init; }
    public double StepPerPrefillTokenMicros { get; init; }
    public double StepPerDecodeSequenceMicros { get; init; }
    public double PrefillChunkTokens { get; init; } = 8192;
    public KvAdmission KvAdmission { get; init; } = KvAdmission.Reserve;
    public double WeightsGB { get; init; }
    public double KvBytesPerToken { get; init; }
    public double NodeOverheadW { get; init; }

    public ReplicaSpec Replica => new()
    {
        Accelerators = PerReplica, PrefillAccelerators = PrefillPerReplica, HbmGBPerAccelerator = HbmGB, WeightsGB = WeightsGB, KvBytesPerToken = KvBytesPerToken, MaxBatch = MaxBatch,
        StepBaseMicros = StepBaseMicros, StepPerPrefillTokenMicros = StepPerPrefillTokenMicros, StepPerDecodeSequenceMicros = StepPerDecodeSequenceMicros, PrefillChunkTokens = PrefillChunkTokens, KvAdmission = KvAdmission,
        IdleW = IdleW, PrefillW = PrefillW, DecodeBatch1W = DecodeBatch1W, DecodeFullW = DecodeFullW, NodeOverheadW = NodeOverheadW,
    };
}

/// <summary>
/// A request class of a user region (<c>classes:</c>): its share of the region's requests, lognormal prompt and output
/// lengths (median and p90), the share of the prompt found in the prefix cache, its objectives (TTFT, TPOT), whether it
/// is real-time or batch.
/// </summary>
public sealed record RequestClassSpec(string Name)
{
    public double Share { get; init; } = 1;
    public double PromptMedian { get; init; } = 1020;
    public double PromptP90 { get; init; } = 2734;
    public double OutputMedian { get; init; } = 129;
    public double OutputP90 { get; init; } = 424;
    public double CacheHit { get; init; }
    public double SloTtftMs { get; init; } = 2000;
    public double SloTpotMs { get; init; } = 100;
    public bool RealTime { get; init; } = true;

    /// <summary>Deadline of this batch class's work from its creation (µs; 0: the region's <c>batch_deadline</c>, else the
    /// batch scheduler's). A batch cohort mixes the region's batch classes by share, so it takes the tightest of theirs.</summary>
    public long DeadlineMicros { get; init; }

    /// <summary>Rows of a request trace (Azure LLM inference layout) whose context and generated lengths this class takes
    /// instead of the lognormals: a random row per request (resampled), or — <see cref="Replay"/> — the rows in their order,
    /// cohort after cohort, each cohort lasting as long as its rows did at the region's rate.</summary>
    public IReadOnlyList<SupplyChain.TraceRow>? Trace { get; init; }

    public bool Replay { get; init; }

    public LengthDistribution Prompt => LengthDistribution.Of(PromptMedian, PromptP90);
    public LengthDistribution Output => LengthDistribution.Of(OutputMedian, OutputP90);

    /// <summary>Mean prompt and output lengths (tokens): the lognormals' or the trace's.</summary>
    public double MeanPrompt => Trace is { Count: > 0 } t ? t.Average(r => (double)r.ContextTokens) : Prompt.Mean;
    public double MeanOutput => Trace is { Count: > 0 } t ? t.Average(r => (double)r.GeneratedTokens) : Output.Mean;
}
