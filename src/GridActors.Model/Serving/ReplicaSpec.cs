namespace GridActors.Model.Serving;

/// <summary>
/// A replica: one instance of the served model over <see cref="Accelerators"/> accelerators of one type, serving with
/// continuous batching. Its iteration (one forward pass of the whole batch) takes
/// <c>β₀ + β₁·prefill tokens + β₂·decode sequences</c> (µs) — the step-time form of BLIS/inference-sim, fitted to vLLM
/// (calibration-facts §10, [K93]: Llama-3.3-70B on 8×H100, β₀ = 14,141, β₁ = 10.0, β₂ = 19.4). Decode throughput at
/// n concurrent sequences is n ÷ (β₀ + β₂·n): it rises with concurrency and saturates at 1 ÷ β₂. The KV cache holds
/// what the HBM leaves beside the weights; a sequence holds its prompt and its output there until it ends.
/// Power per accelerator depends on the phase: <see cref="IdleW"/> with nothing to do, <see cref="PrefillW"/> while
/// prefilling (85–95 % of TDP, calibration-facts §10), and while decoding n sequences a value rising linearly from
/// <see cref="DecodeBatch1W"/> at one sequence to <see cref="DecodeFullW"/> at <see cref="MaxBatch"/> (ML.ENERGY:
/// H100 ≈ 300 W at batch 1, ≈ 600 W at batch 128, [K96]); the rest of the node (CPUs, switches, fans, PSU loss)
/// draws <see cref="NodeOverheadW"/> per replica whatever the load.
/// </summary>
public sealed record ReplicaSpec
{
    public int Accelerators { get; init; } = 8;
    public double HbmGBPerAccelerator { get; init; } = 80;
    public double WeightsGB { get; init; }
    public double KvBytesPerToken { get; init; } = 327_680;
    public int MaxBatch { get; init; } = 256;

    /// <summary>β₀: the iteration's fixed cost (µs).</summary>
    public double StepBaseMicros { get; init; } = 14_141;

    /// <summary>β₁: per prefill token in the iteration (µs).</summary>
    public double StepPerPrefillTokenMicros { get; init; } = 10.0;

    /// <summary>Prefill tokens one iteration takes at most (vLLM's <c>max_num_batched_tokens</c>): prompts queued behind
    /// each other share iterations, so each pays β₀ only for its share of this budget.</summary>
    public double PrefillChunkTokens { get; init; } = 8192;

    /// <summary>Time to prefill <paramref name="tokens"/> uncached prompt tokens (µs): β₀ + β₁·tokens when the prompt
    /// starts an iteration of its own (the replica was not prefilling), β₀·min(1, tokens ÷ chunk) + β₁·tokens when it
    /// joins the iterations of prompts queued before it.</summary>
    public double PrefillMicros(double tokens, bool queued) =>
        StepBaseMicros * (queued ? Math.Min(1, tokens / Math.Max(1, PrefillChunkTokens)) : 1) + StepPerPrefillTokenMicros * tokens;

    /// <summary>β₂: per decoding sequence in the iteration (µs).</summary>
    public double StepPerDecodeSequenceMicros { get; init; } = 19.4;

    public double IdleW { get; init; } = 100;
    public double PrefillW { get; init; } = 630;
    public double DecodeBatch1W { get; init; } = 300;
    public double DecodeFullW { get; init; } = 600;
    public double NodeOverheadW { get; init; } = 2_000;

    /// <summary>Tokens the KV cache holds: (HBM − weights) ÷ bytes per token, at least 0.</summary>
    public double KvCapacityTokens => Math.Max(0, (HbmGBPerAccelerator * Accelerators - WeightsGB) * 1e9 / KvBytesPerToken);

    /// <summary>One iteration with <paramref name="decodeSequences"/> decoding and <paramref name="prefillTokens"/>
    /// prefilled (µs).</summary>
    public double IterationMicros(int decodeSequences, double prefillTokens) =>
        StepBaseMicros + StepPerPrefillTokenMicros * prefillTokens + StepPerDecodeSequenceMicros * decodeSequences;

    /// <summary>Output tokens per second with <paramref name="sequences"/> decoding and no prefill.</summary>
    public double DecodeTokensPerSecond(int sequences) => sequences <= 0 ? 0 : sequences / (IterationMicros(sequences, 0) / 1e6);

    /// <summary>Prefill tokens per second in long prefills (the β₀ of each iteration amortised): 1 ÷ β₁.</summary>
    public double PrefillTokensPerSecond => StepPerPrefillTokenMicros > 0 ? 1e6 / StepPerPrefillTokenMicros : double.PositiveInfinity;

    /// <summary>Power of the whole replica (W): accelerators in the phase plus the node overhead.</summary>
    public double PowerW(bool prefilling, int decoding)
    {
        double perAccelerator = prefilling ? PrefillW
            : decoding <= 0 ? IdleW
            : DecodeBatch1W + (DecodeFullW - DecodeBatch1W) * (MaxBatch > 1 ? Math.Min(1.0, (decoding - 1.0) / (MaxBatch - 1)) : 1);
        return perAccelerator * Accelerators + NodeOverheadW;
    }
}
