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
/// A replica may also be disaggregated (<see cref="PrefillAccelerators"/> &gt; 0, as DeepSeek serves [A5]): prompts are
/// prefilled on that many of its accelerators and decoded on the others, so prefill no longer takes decode's iterations;
/// the KV cache is the decode side's HBM beside the weights.
public sealed record ReplicaSpec
{
    public int Accelerators { get; init; } = 8;

    /// <summary>Accelerators of the replica that only prefill (0: every accelerator prefills and decodes).</summary>
    public int PrefillAccelerators { get; init; }

    public bool Disaggregated => PrefillAccelerators > 0;

    /// <summary>Accelerators that decode (and hold the KV cache).</summary>
    public int DecodeAccelerators => Disaggregated ? Accelerators - PrefillAccelerators : Accelerators;
    public double HbmGBPerAccelerator { get; init; } = 80;
    public double WeightsGB { get; init; }
    public double KvBytesPerToken { get; init; } = 327_680;
    public int MaxBatch { get; init; } = 256;

    /// <summary>β₀: the iteration's fixed cost (µs).</summary>
    public double StepBaseMicros { get; init; } = 14_141;

    /// <summary>β₁: per prefill token in the iteration (µs).</summary>
    public double StepPerPrefillTokenMicros { get; init; } = 10.0;

    /// <summary>How the KV cache admits a sequence (see <see cref="ReplicaEngine"/>).</summary>
    public KvAdmission KvAdmission { get; init; } = KvAdmission.Reserve;

    /// <summary>Uncached prompt tokens one prefill iteration takes at most (vLLM's <c>max_num_batched_tokens</c>): prompts
    /// that arrived while the replica prefilled share the next iteration and its β₀.</summary>
    public double PrefillChunkTokens { get; init; } = 8192;

    /// <summary>β₂: per decoding sequence in the iteration (µs).</summary>
    public double StepPerDecodeSequenceMicros { get; init; } = 19.4;

    public double IdleW { get; init; } = 100;
    public double PrefillW { get; init; } = 630;
    public double DecodeBatch1W { get; init; } = 300;
    public double DecodeFullW { get; init; } = 600;
    public double NodeOverheadW { get; init; } = 2_000;

    /// <summary>Tokens the KV cache holds: (HBM − weights) ÷ bytes per token, at least 0.</summary>
    public double KvCapacityTokens => Math.Max(0, (HbmGBPerAccelerator * DecodeAccelerators - WeightsGB) * 1e9 / KvBytesPerToken);

    /// <summary>One iteration with <paramref name="decodeSequences"/> decoding and <paramref name="prefillTokens"/>
    /// prefilled (µs).</summary>
    public double IterationMicros(int decodeSequences, double prefillTokens) =>
        StepBaseMicros + StepPerPrefillTokenMicros * prefillTokens + StepPerDecodeSequenceMicros * decodeSequences;

    /// <summary>Output tokens per second with <paramref name="sequences"/> decoding and no prefill.</summary>
    public double DecodeTokensPerSecond(int sequences) => sequences <= 0 ? 0 : sequences / (IterationMicros(sequences, 0) / 1e6);

    /// <summary>Prefill tokens per second in long prefills (the β₀ of each iteration amortised): 1 ÷ β₁.</summary>
    public double PrefillTokensPerSecond => StepPerPrefillTokenMicros > 0 ? 1e6 / StepPerPrefillTokenMicros : double.PositiveInfinity;

    /// <summary>Power of the whole replica (W): accelerators in the phase plus the node overhead. Disaggregated, the prefill
    /// accelerators draw prefill power while prefilling (idle otherwise) and the decode accelerators decode power for the
    /// sequences decoding, both at once.</summary>
    public double PowerW(bool prefilling, int decoding)
    {
        double decode = decoding <= 0 ? IdleW
            : DecodeBatch1W + (DecodeFullW - DecodeBatch1W) * (MaxBatch > 1 ? Math.Min(1.0, (decoding - 1.0) / (MaxBatch - 1)) : 1);
        if (Disaggregated)
            return (prefilling ? PrefillW : IdleW) * PrefillAccelerators + decode * DecodeAccelerators + NodeOverheadW;
        return (prefilling ? PrefillW : decode) * Accelerators + NodeOverheadW;
    }
}

/// <summary>How a replica's KV cache admits sequences: <see cref="Reserve"/> each sequence's prompt and whole output at
/// admission (the cache is never exceeded), or <see cref="Live"/>: the prompt beside what the running sequences hold now.</summary>
public enum KvAdmission { Reserve, Live }
