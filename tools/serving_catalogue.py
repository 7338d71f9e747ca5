#!/usr/bin/env python3
"""Sourced accelerator catalogue for the serving engine, serving DeepSeek-V3/R1 (671B MoE), and the DeepSeek-on-H800
reference numbers.

Fact tags: [Kn] calibration-facts.md, [An]/[Sn] domain-facts.md, "overseas §n" = the "Overseas vs China inference-cost
fact sheet" at the end of domain-facts.md (its YAML block included). "(A5 primary)" marks a figure read in DeepSeek's
Day-6 text itself (the document [A5] cites) that domain-facts does not copy; "(A6 abstract)" likewise for the
CloudMatrix paper [A6]. ESTIMATE = not from any source; the reasoning is in the comment next to it.

The engine (src/GridActors.Model/Serving/ReplicaSpec.cs, ReplicaEngine.cs) models one replica over `per_replica`
accelerators: iteration = β0 + β1·prefill tokens + β2·decoding sequences (µs); a prompt's prefill takes β0 + β1·uncached
tokens; decode TPOT at batch n = β0 + β2·n; KV capacity = (per_replica·hbm − weights)·1e9 ÷ kv_bytes_per_token.

Derivation of the coefficients (same for every type):
  β0     one step-time floor for all types: the 910C two-point fit below gives 11.8 ms; BLIS's vLLM fits put the
         intercept at 9.7–18.9 ms [K93]. 910C uses its own fit, the others 12,000 µs (ESTIMATE: the fit, rounded).
  β2     from the sourced decode throughput D (tok/s per accelerator) at per-stream speed s: the batch that gives s is
         n = D·P ÷ s sequences per replica (P = per_replica), with TPOT = 1/s = β0 + β2·n, so β2 = (1e6/s − β0) ÷ n.
         max_batch = n, so a replica at its cap decodes at exactly the sourced point (s tok/s per stream, D per acc.).
  β1     from the prefill rate R (uncached prompt tokens/s per accelerator): β1 = 1e6 ÷ (R·P). The engine charges β1
         only for uncached tokens, so DeepSeek's 73.7k input tok/s per node "including cache hits" [A5] becomes
         73.7k × (1 − 0.563) = 32.2k uncached tok/s per node (this split reproduces DeepSeek's node count, see
         deepseek_reference()). The other types' prefill figures are benchmarks without cache hits (used as is).

Stdlib only. `python3 tools/serving_catalogue.py` prints the YAML block, the derived table and the DeepSeek reference.
"""
from __future__ import annotations

import math

# ---------------------------------------------------------------------------------------------------------------------
# The served model: DeepSeek-V3/R1.
# [K100] gives 61 layers, kv_lora_rank 512, qk_rope_head_dim 64. The other values are DeepSeek-V3's public config.json
# (as reproduced in public GitHub code, the same kind of source as [K100]; NOT in the fact files): hidden 7168,
# intermediate 18432 (first 3 dense layers), moe_intermediate 2048, 256 routed + 1 shared expert, 128 heads,
# q_lora_rank 1536, qk_nope_head_dim 128, v_head_dim 128, vocab 129280. The parameter count below comes to 671 B, the
# model's advertised size (the MTP module, ~14 B more, is left out: DeepSeek's Day-6 text does not say it is served).
# ---------------------------------------------------------------------------------------------------------------------
MODEL = dict(layers=61, dense_layers=3, hidden=7168, dense_inter=18432, moe_inter=2048, routed=256, shared=1,
             heads=128, q_lora=1536, kv_lora=512, rope=64, nope=128, v_head=128, vocab=129280)
REDUNDANT_EXPERTS = 32   # (A5 primary): "32 redundant routed experts" per deployment unit → 288 expert slots per layer

# KV cache per token, MLA: 61 layers × (512 + 64) values × 2 B (BF16) = 70,272 B [K100]. BF16 because DeepSeek runs
# "core MLA computations ... in BF16" (A5 primary); used for every type (ESTIMATE for the INT8 Ascend deployments:
# [A6] quantises weights/activations to INT8, whether the KV cache too is not in the facts).
KV_BYTES_BF16 = MODEL["layers"] * (MODEL["kv_lora"] + MODEL["rope"]) * 2


def param_breakdown(m: dict = MODEL) -> dict:
    """Parameters (count) of each part of the model, from the config values above."""
    moe_layers = m["layers"] - m["dense_layers"]
    expert = 3 * m["hidden"] * m["moe_inter"]                                     # gate, up, down
    attention = (m["hidden"] * m["q_lora"] + m["q_lora"] * m["heads"] * (m["nope"] + m["rope"])
                 + m["hidden"] * (m["kv_lora"] + m["rope"]) + m["kv_lora"] * m["heads"] * (m["nope"] + m["v_head"])
                 + m["heads"] * m["v_head"] * m["hidden"])
    return dict(
        routed=m["routed"] * moe_layers * expert,
        shared=m["shared"] * moe_layers * expert,
        attention=m["layers"] * attention,
        dense=m["dense_layers"] * 3 * m["hidden"] * m["dense_inter"],
        router=moe_layers * m["routed"] * m["hidden"],
        embeddings=2 * m["vocab"] * m["hidden"],                                  # embedding + LM head
        expert=expert, moe_layers=moe_layers)


def weights_gb(per_replica: int, bytes_per_param: float = 1.0, workspace_gb: float = 5.0) -> float:
    """HBM a replica spends beside the KV cache (GB), deployed as DeepSeek does (A5 primary): routed experts spread by
    expert parallelism over the replica's accelerators (256 + 32 redundant slots per layer), attention and the shared
    expert replicated on every accelerator (MLA/Shared Expert DP). FP8 or INT8 weights (1 B/param: DeepSeek's
    matmuls are FP8 [A5 primary]; CloudMatrix uses INT8 [A6]); embeddings/head in BF16 (ESTIMATE). workspace_gb:
    activations, communication buffers, graphs per accelerator — ESTIMATE 5 GB, no source."""
    p = param_breakdown()
    slots = math.ceil((MODEL["routed"] + REDUNDANT_EXPERTS) / per_replica)
    routed = slots * p["moe_layers"] * p["expert"] * bytes_per_param
    replicated = (p["shared"] + p["attention"] + p["dense"] + p["router"]) * bytes_per_param + p["embeddings"] * 2
    return per_replica * ((routed + replicated) / 1e9 + workspace_gb)


# ---------------------------------------------------------------------------------------------------------------------
# Decode operating point shared by the targets: DeepSeek serves 20–22 tok/s per stream [A5]; take the middle.
# ---------------------------------------------------------------------------------------------------------------------
STREAM_TPS = 21.0

# 910C two-point decode fit (per NPU): 538 tok/s at 15 ms TPOT (A6 abstract) and 1,943 tok/s at <50 ms TPOT [A6],
# taking the bounds as the operating points (ESTIMATE): n = D × TPOT sequences per NPU.
_N15, _N50 = 538 * 0.015, 1943 * 0.050                  # 8.07 and 97.15 sequences per NPU
BETA2_910C_PER_NPU = (50_000 - 15_000) / (_N50 - _N15)  # 392.9 µs per sequence on one NPU
BETA0_910C = 15_000 - BETA2_910C_PER_NPU * _N15         # 11,829 µs
BETA0 = 12_000.0   # ESTIMATE for the other types: the 910C fit rounded; inside BLIS's 9.7–18.9 ms [K93]

# Capital-only hourly cost: price × server overhead 1.4 ÷ (5 years × 8,760 h) (overseas §3 and its YAML:
# server_overhead_multiplier 1.4, amortisation_years 5). Electricity is billed separately by the hub; hosting, network
# and margin are NOT in it — so these are not comparable with market rents (H800 $2.00, H100 $1.78), which include them.
# Prefill tokens one iteration takes at most: vLLM's max_num_batched_tokens default for online serving, 8,192 (ESTIMATE:
# engine default, not a fact of the files). The engine's own default is the same.
PREFILL_CHUNK = 8192


def capital_per_hour(price_usd: float) -> float:
    return price_usd * 1.4 / (5 * 8760)


# Each entry: the catalogue's YAML values plus the inputs they are derived from (decode_tps: output tok/s per
# accelerator at stream_tps tok/s per stream; prefill_tps: uncached prompt tok/s per accelerator).
_SPECS = [
    dict(
        id="h800", per_replica=32, hbm=80, bytes_per_param=1.0,
        decode_tps=14_800 / 8, stream_tps=STREAM_TPS, beta0=BETA0,
        prefill_tps=73_700 * (1 - 0.563) / 8,
        idle=100, prefill=630, decode1=300, decode_full=600, overhead_per_node=2_700, per_node=8,
        rental=2.00,
        sources="[A5] 14.8k out/73.7k in tok/s per node, 20-22 tok/s/stream, $2/GPU-h; [K82] 80 GB; [K96] power; [K86] node; [K100] KV",
        notes=[
            "per_replica 32 = DeepSeek's prefill deployment unit, 4 nodes (A5 primary; decode runs on 18-node units).",
            "  640 GB (one node) cannot hold 671 GB of FP8 weights; 32 GPUs hold ~42 GB of weights each (9 expert",
            "  slots/layer + replicated MLA/shared) and leave ~17 M KV tokens, ~6k per sequence at max_batch.",
            "decode 14,800/8 = 1,850 tok/s/GPU at 21 tok/s/stream [A5] -> 88 seqs/GPU; prefill 73.7k x 0.437/8 =",
            "  4,026 uncached tok/s/GPU [A5]. Power: same die as H100 (700 W, [K82] E) -> decode 300 W at batch 1,",
            "  600 W full [K96]; prefill 630 W = 90 % TDP (calibration §10 band 85-95 %, E); idle 100 W ESTIMATE",
            "  (no idle figure found). node_overhead: DGX H100 typical 6.5-8.5 kW [K86] midpoint 7.5 kW - 8 x 600 W",
            "  = 2.7 kW per node (D), x 4 nodes.",
        ]),
    dict(
        id="h800-pd", per_replica=256, prefill_accelerators=112, prefill_chunk=16_384, max_batch=16_384, kv_admission="live",
        hbm=80, bytes_per_param=1.0,
        decode_tps=14_800 / 8, stream_tps=STREAM_TPS, beta0=BETA0,
        prefill_tps=73_700 * (1 - 0.563) / 8,
        idle=100, prefill=630, decode1=300, decode_full=600, overhead_per_node=2_700, per_node=8,
        rental=2.00,
        sources="[A5] prefill/decode disaggregated, 18-node decode units, 14.8k out/73.7k in tok/s per node, 20-22 tok/s/stream, $2/GPU-h; as h800",
        notes=[
            "DeepSeek's own deployment: prefill and decode on separate nodes [A5], decode in 18-node (144-GPU) units",
            "  (A5 primary). One replica = one decode unit + 14 prefill nodes (112 GPUs). DeepSeek's day averages 95.5",
            "  prefill node-days to 131.4 decode node-days (D, 0.73 : 1), i.e. 104 prefill GPUs per decode unit running",
            "  flat out at [A5]'s rate; 112 (ESTIMATE) gives the prefill side room: at 100 % its iterations would grow",
            "  until the budget caps them and the queue would never drain.",
            "  decode 1,850 tok/s/GPU at 21 tok/s/stream -> 12,690 sequences per unit; max_batch 16,384 (ESTIMATE: room",
            "  for the batch's swings above that mean; a full batch decodes at 17 tok/s). prefill_chunk 16,384",
            "  (ESTIMATE: DeepSeek prefills in large batches). kv_admission live: DeepSeek's decode holds 4,989 KV tokens",
            "  per output token on average (A5 primary), not a reservation of every prompt and whole output (8.6k, D).",
            "  Weights: what 144 decode GPUs hold (2 expert slots/layer each + replicated MLA/shared, FP8).",
        ]),
    dict(
        id="h100", per_replica=32, hbm=80, bytes_per_param=1.0,
        decode_tps=22_300 / 8, stream_tps=STREAM_TPS, beta0=BETA0,
        prefill_tps=52_300 / 8,
        idle=100, prefill=630, decode1=300, decode_full=600, overhead_per_node=2_700, per_node=8,
        rental=1.78,
        sources="overseas §4 SGLang 96xH100 22.3k out/52.3k in tok/s per node; [K81] 700 W 80 GB; [K96]; [K86]; overseas §3 China rent $1.78",
        notes=[
            "per_replica 32 as h800 (same 80 GB). decode 22.3k/8 = 2,788 tok/s/GPU, prefill 52.3k/8 = 6,538 tok/s/GPU",
            "  at 2k-token inputs (overseas §4, LMSYS). The per-stream speed of that run is not found: ESTIMATE 21",
            "  tok/s as DeepSeek's. Rental: China 75,000 CNY/month per 8-GPU server = $1.78/GPU-h (overseas §3, E;",
            "  [K88] gives $1.66); US 1-yr reserved $2.35 [K92]. Power and node overhead as h800.",
        ]),
    dict(
        id="h20", per_replica=16, hbm=96, bytes_per_param=1.0,
        decode_tps=5_700 / 8, stream_tps=STREAM_TPS, beta0=BETA0,
        prefill_tps=16_500 / 8,
        idle=57, prefill=360, decode1=172, decode_full=344, overhead_per_node=2_700, per_node=8,
        rental=capital_per_hour(12_000),
        sources="overseas §4 Ant/LMSYS 5.7k out/16.5k in tok/s per node; [K80] 400 W 96 GB; [K96] ratios; overseas §3 $12k",
        notes=[
            "per_replica 16 (2 nodes, 1,536 GB): one node (768 GB) would leave ~50 GB of KV after 671 GB of weights",
            "  (ESTIMATE choice). decode 5.7k/8 = 713 tok/s/GPU, prefill 16.5k/8 = 2,063 tok/s/GPU at 4k inputs",
            "  (overseas §4); per-stream speed not found: ESTIMATE 21 tok/s. Power: TDP 400 W [K80]; phases scaled",
            "  from H100's fractions of TDP (ESTIMATE): idle 1/7, batch-1 43 %, full 86 % [K96], prefill 90 %.",
            "  node_overhead 2.7 kW per HGX-class node as h800 (ESTIMATE). rental = capital only: $12k x 1.4 /",
            "  43,800 h = $0.38 (overseas §3; Reuters' 1.4 M CNY 8-GPU server quote would give $0.56).",
        ]),
    dict(
        id="ascend-910b", per_replica=32, hbm=64, bytes_per_param=1.0,
        decode_tps=500, stream_tps=STREAM_TPS, beta0=BETA0,
        prefill_tps=2_800,
        idle=44, prefill=279, decode1=133, decode_full=267, overhead_per_node=3_200, per_node=8,
        rental=capital_per_hour(16_700),
        sources="ESTIMATE throughput from [S23] and [A6]; [K81][K83][K87] power/HBM (low); overseas §3 120k CNY",
        notes=[
            "per_replica 32 (4 x 8-NPU servers, 2,048 GB): HBM is 64 GB (sources conflict 32/64 GB, [K81][K83], low),",
            "  so 16 NPUs (1,024 GB) would leave little KV. decode 500 tok/s/NPU ESTIMATE: [S23] 'domestic chips use",
            "  30-50 % more electricity per token than H20' puts it at 465-537 with this entry's power, and Huawei",
            "  Cloud's non-supernode per-card figure is 600 tok/s [A6]; 500 gives 1.4x H20's J/token. prefill",
            "  2,800 tok/s/NPU ESTIMATE: 910C's 6,688 [A6] x 910B/910C dense compute (~320 of 752 TF, [K81][K84]).",
            "  Power: 310 W measured [K81] -> phases as H100 fractions (ESTIMATE); node_overhead 3.2 kW per 8-NPU",
            "  server (6 kW server - 8 x 350 W, [K87] D). rental = capital only: $16.7k x 1.4 / 43,800 h.",
        ]),
    dict(
        id="ascend-910c", per_replica=16, hbm=128, bytes_per_param=1.0,
        decode_tps=1_943, stream_tps=20.0, beta0=BETA0_910C,
        prefill_tps=6_688,
        idle=100, prefill=630, decode1=300, decode_full=600, overhead_per_node=760 * 8, per_node=8,
        rental=capital_per_hour(28_600),
        sources="[A6] 1,943 tok/s/NPU decode at <50 ms, 6,688 prefill, 538 at 15 ms; [K84][K85] 128 GB, 1.46 kW/NPU all-in; overseas §3 $28.6k",
        notes=[
            "per_replica 16 (2,048 GB; ESTIMATE choice: CloudMatrix's own instances are larger EP groups, not in",
            "  the facts). decode 1,943 tok/s/NPU at 50 ms TPOT = 20 tok/s/stream -> 97 seqs/NPU [A6]; beta0/beta2",
            "  from the two points (538 tok/s at 15 ms, A6 abstract): beta0 = 11.8 ms. prefill 6,688 tok/s/NPU",
            "  at 4k prompts [A6]. Power: per-chip figure not found; CM384 559 kW / 384 = 1.46 kW per NPU all-in",
            "  [K85] (D). ESTIMATE chip = 2 x 350 W Ascend-910 dies [K87] = 700 W with H100-like phase fractions;",
            "  the rest, 1,460 - 700 = 760 W per NPU, is node_overhead (CPUs, UB switches/optics). rental = capital",
            "  only: $28.6k x 1.4 / 43,800 h (overseas §3, E).",
        ]),
]


def _derive(s: dict) -> dict:
    p = s["per_replica"]
    pp = s.get("prefill_accelerators", 0)          # 0: colocated (every accelerator prefills and decodes)
    d = p - pp                                     # decode accelerators
    chunk = s.get("prefill_chunk", PREFILL_CHUNK)
    tpot = 1e6 / s["stream_tps"]
    n = round(s["decode_tps"] * d / s["stream_tps"])
    beta2 = (tpot - s["beta0"]) / n
    # Queued prompts share prefill iterations: each pays beta1 per uncached token plus beta0 x tokens / chunk, so the
    # sourced (batched) prefill rate R per accelerator is 1 / (beta1 + beta0 / chunk) per prefilling accelerator.
    beta1 = 1e6 / (s["prefill_tps"] * (pp or p)) - s["beta0"] / chunk
    weights = weights_gb(d, s["bytes_per_param"])
    out = dict(
        id=s["id"], power_idle=s["idle"], power_prefill=s["prefill"], power_decode_batch1=s["decode1"],
        power_decode_full=s["decode_full"], hbm=s["hbm"], rental_per_hour=round(s["rental"], 3), per_replica=p,
        max_batch=s.get("max_batch", n), step_base=round(s["beta0"]), step_per_prefill_token=round(beta1, 3),
        step_per_decode_sequence=round(beta2, 3), weights=round(weights), kv_bytes_per_token=KV_BYTES_BF16,
        node_overhead=round(s["overhead_per_node"] * p / s["per_node"]))
    if pp:
        out["prefill_accelerators"] = pp
    if chunk != PREFILL_CHUNK:
        out["prefill_chunk"] = chunk
    if s.get("kv_admission"):
        out["kv_admission"] = s["kv_admission"]
    return out


ACCELERATORS: list[dict] = [_derive(s) for s in _SPECS]
SOURCES = {s["id"]: s["sources"] for s in _SPECS}
NOTES = {s["id"]: s["notes"] for s in _SPECS}

_UNITS = dict(power_idle="W", power_prefill="W", power_decode_batch1="W", power_decode_full="W", node_overhead="W",
              step_base="us", step_per_prefill_token="us", step_per_decode_sequence="us")
_ORDER = ["id", "power_idle", "power_prefill", "power_decode_batch1", "power_decode_full", "hbm", "rental_per_hour",
          "per_replica", "prefill_accelerators", "max_batch", "prefill_chunk", "kv_admission", "step_base", "step_per_prefill_token", "step_per_decode_sequence", "weights",
          "kv_bytes_per_token", "node_overhead"]


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def accelerators_yaml(indent: str = "", notes: bool = True, overrides: dict | None = None) -> str:
    """The scenario's `accelerators:` block: per entry the derivation as comment lines (notes=True) and one flow
    mapping with a trailing comment naming its sources. hbm and weights are GB, rental USD per accelerator-hour."""
    lines = [f"{indent}accelerators:",
             f"{indent}  # DeepSeek-V3/R1 (671B MoE, FP8/INT8 weights, BF16 MLA KV) on each type; made by tools/serving_catalogue.py",
             f"{indent}  # (sources and derivations there and in bench note i15-catalogue). hbm, weights: GB; rental: USD per accelerator-hour."]
    for a in ACCELERATORS:
        o = (overrides or {}).get(a["id"])
        if o:
            a = {**a, **o["values"]}
        if notes:
            lines += [f"{indent}  # {line}" for line in NOTES[a["id"]]] + ([f"{indent}  # {o['note']}"] if o else [])
        body = ", ".join(f"{k}: {_fmt(a[k])}{' ' + _UNITS[k] if k in _UNITS else ''}" for k in _ORDER if k in a)
        lines.append(f"{indent}  - {{{body}}}   # {SOURCES[a['id']]}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# Derived figures per type.
# ---------------------------------------------------------------------------------------------------------------------
def derived(a: dict) -> dict:
    """Per accelerator figures of an entry at its max_batch (disaggregated: per decode accelerator for decode, per
    prefill accelerator for prefill; energy and cost over the decode side with its share of node overhead)."""
    p = a["per_replica"]
    pp = a.get("prefill_accelerators", 0)
    d = p - pp
    chunk = a.get("prefill_chunk", PREFILL_CHUNK)
    n = a["max_batch"]
    it = a["step_base"] + a["step_per_decode_sequence"] * n
    decode_replica = n / it * 1e6                                           # output tok/s per replica
    kv_tokens = (d * a["hbm"] - a["weights"]) * 1e9 / a["kv_bytes_per_token"]
    power_decode = d * a["power_decode_full"] + a["node_overhead"] * d / p   # W of the decode side at max_batch
    return dict(
        id=a["id"],
        prefill_per_acc=1e6 / (a["step_per_prefill_token"] + a["step_base"] / chunk) / (pp or p),
        decode_per_acc=decode_replica / d,
        stream_tps=1e6 / it,
        batch=n,
        kv_tokens=kv_tokens,
        kv_per_seq=kv_tokens / n,
        j_per_out=power_decode / decode_replica,
        usd_per_m_out=d * a["rental_per_hour"] / (decode_replica * 3600) * 1e6,
        saturation_per_acc=1e6 / a["step_per_decode_sequence"] / d)


def table() -> str:
    head = ("| type | per_replica | prefill tok/s/acc (uncached) | decode tok/s/acc | tok/s/stream | batch (replica) "
            "| KV capacity (tokens) | KV/seq at batch | IT J/output tok (decode, incl. node) | USD/M output (rental) |")
    rows = [head, "|" + "---|" * 10]
    for a in ACCELERATORS:
        d = derived(a)
        rows.append(f"| {a['id']} | {a['per_replica']} | {d['prefill_per_acc']:,.0f} | {d['decode_per_acc']:,.0f} | "
                    f"{d['stream_tps']:.1f} | {d['batch']:,} | {d['kv_tokens']:,.0f} | {d['kv_per_seq']:,.0f} | "
                    f"{d['j_per_out']:.2f} | {d['usd_per_m_out']:.3f} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------------------------------
# DeepSeek reference (24 h, 27–28 Feb 2025) [A5].
# ---------------------------------------------------------------------------------------------------------------------
DS_INPUT = 608e9          # input tokens/day [A5]
DS_HIT = 0.563            # share of input tokens hitting the on-disk KV cache [A5] (342 B, A5 primary)
DS_OUTPUT = 168e9         # output tokens/day [A5]
DS_NODES_AVG, DS_NODES_PEAK = 226.75, 278   # [A5]
DS_USD_GPU_H = 2.00       # [A5]
DS_KV_PER_OUTPUT = 4_989  # "average kvcache length per output token" (A5 primary)
DAY = 86_400.0


def lognormal(median: float, p90: float) -> tuple[float, float]:
    """(mean, E[x²]) of the lognormal with this median and p90 (the engine's LengthDistribution)."""
    sigma = math.log(p90 / median) / 1.2815515655446004
    return median * math.exp(sigma ** 2 / 2), median ** 2 * math.exp(2 * sigma ** 2)


CHAT = dict(name="chat", prompt_median=1020, prompt_p90=2734, output_median=129, output_p90=424)   # [K102] Azure conv
REASONING_OUTPUT_MEDIAN = 5000   # [A4] median output of reasoning requests


def _mix(share_r: float, out_p90_r: float) -> dict:
    """Token means of a chat/reasoning mix (reasoning prompts like chat's: ESTIMATE)."""
    pm, _ = lognormal(CHAT["prompt_median"], CHAT["prompt_p90"])
    oc, oc2 = lognormal(CHAT["output_median"], CHAT["output_p90"])
    orr, or2 = lognormal(REASONING_OUTPUT_MEDIAN, out_p90_r)
    wc, wr = 1 - share_r, share_r
    mean_out = wc * oc + wr * orr
    # context when emitting output token k of a request is prompt + k: output-weighted mean = E[P] + E[O(O+1)/2]/E[O]
    ctx = pm + (wc * (oc2 + oc) / 2 + wr * (or2 + orr) / 2) / mean_out
    # KV the engine reserves per running sequence (prompt + output, held for ~its decode time ∝ O)
    reserved = pm + (wc * oc2 + wr * or2) / mean_out
    return dict(prompt=pm, output=mean_out, ratio=pm / mean_out, ctx=ctx, reserved=reserved)


def fit_classes() -> dict:
    """Reasoning share and output p90 such that input/output = 608/168 and the mean KV length per output token is
    4,989 (A5 primary). Nested bisection."""
    target_ratio = DS_INPUT / DS_OUTPUT

    def share_for(q):
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = (lo + hi) / 2
            if _mix(mid, q)["ratio"] > target_ratio:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    lo, hi = REASONING_OUTPUT_MEDIAN * 1.01, REASONING_OUTPUT_MEDIAN * 10
    for _ in range(100):
        mid = (lo + hi) / 2
        if _mix(share_for(mid), mid)["ctx"] < DS_KV_PER_OUTPUT:
            lo = mid
        else:
            hi = mid
    q = (lo + hi) / 2
    x = share_for(q)
    return dict(share=x, output_p90=q, **_mix(x, q))


def replicas_needed(a: dict, input_rate: float, output_rate: float, prompt_rate: float, reserved_kv: float,
                    kv_limit: bool = True, stretch: bool = False, prompt_beta0: bool = False) -> float:
    """Replicas of entry a serving the rates at the entry's stream speed (the TPOT at its max_batch).
    Base case: prefill and decode time-share the replica, β0 amortised over batched prompts (DeepSeek's node count
    implies this). kv_limit: the batch is also capped by KV capacity ÷ the KV the engine reserves per running sequence
    (prompt + whole output). stretch: decode iterations are stretched by 1/(1 − ρ) (ρ = prefill share of time), as the
    engine does, so the batch must shrink to keep the stream speed. prompt_beta0: every prompt also pays β0 serially,
    as the engine does (src/GridActors.Model/Serving/ReplicaEngine.cs)."""
    p_cap = 1e6 / a["step_per_prefill_token"]                  # uncached tok/s per replica
    tpot = a["step_base"] + a["step_per_decode_sequence"] * a["max_batch"]
    n_kv = ((a["per_replica"] * a["hbm"] - a["weights"]) * 1e9 / a["kv_bytes_per_token"]) / reserved_kv
    n_cap = min(a["max_batch"], n_kv) if kv_limit else a["max_batch"]
    uncached = input_rate * (1 - DS_HIT)
    if not stretch and not prompt_beta0:
        out_cap = n_cap / (a["step_base"] + a["step_per_decode_sequence"] * n_cap) * 1e6
        return uncached / p_cap + output_rate / out_cap
    for k in range(1, 1_000_000):
        N = k / 10
        rho = (uncached / p_cap + (prompt_rate * a["step_base"] * 1e-6 if prompt_beta0 else 0)) / N
        if rho >= 0.9:                                          # the engine caps ρ at 0.9
            continue
        if stretch:
            n = min(((1 - rho) * tpot - a["step_base"]) / a["step_per_decode_sequence"], n_cap)
            out = N * n * 1e6 / tpot
        else:
            out = N * (1 - rho) * n_cap / (a["step_base"] + a["step_per_decode_sequence"] * n_cap) * 1e6
        if out >= output_rate:
            return N
    return float("inf")


CASES = [("time-shared, no KV limit", dict(kv_limit=False)),
         ("time-shared, KV limit", dict(kv_limit=True)),
         ("+ decode stretch 1/(1-rho)", dict(kv_limit=True, stretch=True)),
         ("+ serial beta0 per prompt (engine as written)", dict(kv_limit=True, stretch=True, prompt_beta0=True))]


def deepseek_reference() -> dict:
    h800 = next(a for a in ACCELERATORS if a["id"] == "h800")
    g = h800["per_replica"]
    cls = fit_classes()
    in_rate, out_rate = DS_INPUT / DAY, DS_OUTPUT / DAY
    prompt_rate = in_rate / cls["prompt"]
    nodes_prefill = DS_INPUT / 73_700 / DAY            # node-days of prefill at [A5]'s per-node rate
    nodes_decode = DS_OUTPUT / 14_800 / DAY
    cost = DS_NODES_AVG * 8 * 24 * DS_USD_GPU_H
    # IT energy at the [A5] rates with the h800 entry's power: prefill nodes at power_prefill, decode nodes at full batch
    node_oh = h800["node_overhead"] / (g / 8)
    w_prefill = 8 * h800["power_prefill"] + node_oh
    w_decode = 8 * h800["power_decode_full"] + node_oh
    e_day = (nodes_prefill * w_prefill + nodes_decode * w_decode) * DAY
    peak_ratio = DS_NODES_PEAK / DS_NODES_AVG
    res = dict(
        classes=cls, input_rate=in_rate, uncached_rate=in_rate * (1 - DS_HIT), output_rate=out_rate,
        prompt_rate=prompt_rate, peak_ratio=peak_ratio,
        nodes_prefill=nodes_prefill, nodes_decode=nodes_decode, cost=cost,
        usd_per_m_total=cost / ((DS_INPUT + DS_OUTPUT) / 1e6), usd_per_m_output=cost / (DS_OUTPUT / 1e6),
        usd_per_m_output_decode_only=nodes_decode * 8 * 24 * DS_USD_GPU_H / (DS_OUTPUT / 1e6),
        j_per_output_all=e_day / DS_OUTPUT, j_per_output_decode=w_decode / 14_800,
        j_per_token_all=e_day / (DS_INPUT + DS_OUTPUT))
    res["replicas"] = {(label, name): replicas_needed(h800, in_rate * mult, out_rate * mult, prompt_rate * mult,
                                                      cls["reserved"], **kw)
                       for label, mult in (("mean", 1.0), ("peak", peak_ratio)) for name, kw in CASES}
    return res


def main() -> None:
    print(accelerators_yaml())
    print(table())
    print()
    r = deepseek_reference()
    c = r["classes"]
    g = next(a for a in ACCELERATORS if a["id"] == "h800")["per_replica"]
    print("DeepSeek V3/R1 on H800, 24 h [A5]")
    print(f"  rates: input {r['input_rate']:,.0f} tok/s ({r['uncached_rate']:,.0f} uncached), output {r['output_rate']:,.0f} tok/s")
    print(f"  node-days at [A5]'s per-node rates: prefill {r['nodes_prefill']:.2f} + decode {r['nodes_decode']:.2f}"
          f" = {r['nodes_prefill'] + r['nodes_decode']:.2f} (reported average {DS_NODES_AVG})")
    print(f"  cost ${r['cost']:,.0f}/day; ${r['usd_per_m_total']:.4f}/M total tokens; ${r['usd_per_m_output']:.3f}/M output"
          f" (all cost on output); decode nodes only ${r['usd_per_m_output_decode_only']:.3f}/M output")
    print(f"  classes: chat {1 - c['share']:.4f} (Azure conv [K102]) + reasoning {c['share']:.4f} (output median 5,000 [A4],"
          f" p90 {c['output_p90']:,.0f} fitted); cache_hit {DS_HIT}")
    print(f"    mean prompt {c['prompt']:,.0f}, mean output {c['output']:,.1f}, input/output {c['ratio']:.3f},"
          f" KV length per output token {c['ctx']:,.0f}, reserved KV per running sequence {c['reserved']:,.0f}")
    print(f"  arrivals: mean {r['prompt_rate']:,.0f} req/s, peak x{r['peak_ratio']:.3f} = {r['prompt_rate'] * r['peak_ratio']:,.0f} req/s")
    print(f"  h800 replicas ({g} GPUs each) at 21 tok/s per stream, mean / peak:")
    for name, _ in CASES:
        m, p = r["replicas"][("mean", name)], r["replicas"][("peak", name)]
        print(f"    {name:46s} {m:6.1f} ({m * g / 8:5.0f} nodes) / {p:6.1f} ({p * g / 8:5.0f} nodes)")
    print(f"  IT J per output token: decode nodes {r['j_per_output_decode']:.2f}; prefill+decode {r['j_per_output_all']:.2f}"
          f" ({r['j_per_token_all']:.3f} J per token of all tokens)")


# ---------------------------------------------------------------------------------------------------------------------
# The default scenario's serving: request classes and the replicas that stand in for its serving units.
# ---------------------------------------------------------------------------------------------------------------------
CACHE_HIT = 0.563   # [A5] DeepSeek's share of input tokens hitting the KV cache; ESTIMATE: taken for the whole market
CLASSES = {         # name: (prompt median, p90, output median, p90, source)
    "chat": (1020, 2734, 129, 424, "Azure 2023 conversation trace [K102]"),
    "code": (1469, 5188, 13, 55, "Azure 2023 code trace [K102]"),
}
CODE_SHARE_OF_REALTIME = 0.2   # ESTIMATE: code/agent work within real-time requests (no sourced split found)
SERVING_BY_ROLE = {"east": "h20", "west": "ascend-910b"}   # ESTIMATE, see default_serving_note()
UTILISATION_TARGET = 0.7       # ESTIMATE: a unit's replicas are sized to run at 70 % of their capacity at its full rate


def lognormal_mean(median: float, p90: float) -> float:
    sigma = math.log(p90 / median) / 1.2815515655446004
    return median * math.exp(sigma * sigma / 2)


def class_means(name: str) -> tuple[float, float]:
    pm, p9, om, o9, _ = CLASSES[name]
    return lognormal_mean(pm, p9), lognormal_mean(om, o9)


def mix_of(role: str) -> dict:
    """Request classes and their shares within a hub role's traffic: real-time (east) is chat and code, batch (west) has
    conversation lengths (ESTIMATE: no batch trace in the facts)."""
    return {"chat": 1 - CODE_SHARE_OF_REALTIME, "code": CODE_SHARE_OF_REALTIME} if role == "east" else {"chat": 1.0}


def replica_capacity(acc_id: str, mix: dict) -> float:
    """Requests per second one colocated replica serves at most with the mix: prefill (uncached tokens × (β1 + β0/chunk),
    iterations full) and decode at max_batch share its time."""
    a = next(x for x in ACCELERATORS if x["id"] == acc_id)
    n = a["max_batch"]
    it = a["step_base"] + a["step_per_decode_sequence"] * n
    per_request = 0.0
    for name, share in mix.items():
        p, o = class_means(name)
        prefill = p * (1 - CACHE_HIT) * (a["step_per_prefill_token"] + a["step_base"] / a.get("prefill_chunk", PREFILL_CHUNK))
        per_request += share * (prefill + o * it / n)
    return 1e6 / per_request


def mean_tokens(mix: dict) -> float:
    return sum(share * sum(class_means(name)) for name, share in mix.items())


def replicas_per_unit(role: str, unit_tokens_per_s: float = 4e6, acc_id: str | None = None) -> float:
    """Replicas that stand in for one of the default's serving units (4 M tokens/s): its requests per second at
    UTILISATION_TARGET of a replica's capacity."""
    mix = mix_of(role)
    return unit_tokens_per_s / mean_tokens(mix) / (UTILISATION_TARGET * replica_capacity(acc_id or SERVING_BY_ROLE[role], mix))


# The overseas reference's hubs: H100 everywhere (ESTIMATE), rented at capital only like the China entries' H20 and
# Ascend (price x 1.4 server overhead / 5 years, overseas §3), so that a comparison prices accelerators on one basis.
US_ACCELERATOR = "h100"
US_H100_CAPITAL = capital_per_hour(30_000)
US_OVERRIDES = {"h100": {"values": {"rental_per_hour": round(US_H100_CAPITAL, 3)},
                         "note": f"overseas reference: rental_per_hour = capital only, $30k H100 list x 1.4 / 43,800 h = ${US_H100_CAPITAL:.3f} (overseas §3), the basis of the China entries' H20 and Ascend"}}


def classes_yaml(realtime_share: float, indent: str = "    ") -> str:
    rt = realtime_share
    rows = [("chat", rt * (1 - CODE_SHARE_OF_REALTIME), "realtime", "500 ms", "100 ms"),
            ("code", rt * CODE_SHARE_OF_REALTIME, "realtime", "500 ms", "100 ms"),
            ("batch", 1 - rt, "batch", "3600 s", "1000 ms")]
    out = [f"{indent}classes:"]
    for name, share, kind, ttft, tpot in rows:
        pm, p9, om, o9, src = CLASSES["chat" if name == "batch" else name]
        out.append(f"{indent}  - {{name: {name}, share: {share:.6f}, kind: {kind}, prompt_median: {pm}, prompt_p90: {p9}, output_median: {om}, output_p90: {o9}, "
                   f"cache_hit: {CACHE_HIT}, slo_ttft: {ttft}, slo_tpot: {tpot}}}   # {src}")
    return "\n".join(out)


def default_serving_note() -> str:
    e, w = replicas_per_unit("east"), replicas_per_unit("west")
    return f"""# Serving (issue 15): every hub serves DeepSeek-V3/R1 on replicas of the catalogue above (ESTIMATE choice of types):
#   real-time (east) hubs on H20 (the NVIDIA part sold into China in 2024-25 [K80][A9]), batch (west) hubs on Ascend 910B
#   (domestic chips get the western subsidised power, overseas sheet §1). A hub keeps its serving units as capacity: one
#   unit (4 M tokens/s, header) = {e:.1f} H20 replicas east / {w:.1f} Ascend 910B replicas west, the replicas its requests
#   need at {UTILISATION_TARGET:.0%} of their capacity (ESTIMATE) with the class mix below (tools/serving_catalogue.py).
#   One replica per hub is simulated request by request and stands for the others (simulated_replicas: 1).
# Request classes per user region: chat and code (Azure 2023 traces [K102]) split the real-time share 80/20 (ESTIMATE),
#   batch has conversation lengths (ESTIMATE); cache hits 56.3 % as DeepSeek's [A5] (ESTIMATE for the market);
#   requests_per_bundle keeps each region's tokens per second: 100,000 × 1,000 tokens ÷ the mix's mean tokens.
#   SLO: TTFT 500 ms [D7c], TPOT 100 ms (ESTIMATE: twice DeepSeek's 20-22 tok/s [A5]); batch TTFT 1 h (ESTIMATE)."""


def deepseek_reference_yaml() -> str:
    """scenarios/deepseek-h800-reference.yaml: DeepSeek's peak hour [A5] on its own kind of deployment (h800-pd), with
    the per-node, per-stream, cost and energy targets of the serving issue as calibration."""
    r = deepseek_reference()
    c = r["classes"]
    peak = r["prompt_rate"] * r["peak_ratio"]
    pd = next(a for a in ACCELERATORS if a["id"] == "h800-pd")
    replicas = round(DS_NODES_PEAK * 8 / (pd["per_replica"] - pd["prefill_accelerators"] + 104))   # DeepSeek's peak fleet in units
    acc = "\n".join(line for line in accelerators_yaml().splitlines())
    return f"""# deepseek-h800-reference.yaml — DeepSeek-V3/R1 served on H800s the way DeepSeek reported it for 27–28 Feb 2025 [A5],
# at its peak hour, on a grid that is never short: the reference for the serving model (continuous batching, prefill and
# decode disaggregated, request classes) and its calibration targets. Made by tools/generate_default_scenarios.py with
# tools/serving_catalogue.py (every figure's source and derivation is there and in the accelerator comments below).
# - Demand: DeepSeek's daily tokens [A5] — 608 B input (56.3 % cache hits) and 168 B output — as {r['prompt_rate']:,.0f} requests/s
#   on average (mean prompt {c['prompt']:,.0f} tokens, D); peak/mean node ratio 278/226.75 = {r['peak_ratio']:.3f} [A5] (D) taken as the
#   demand ratio (ESTIMATE), so the peak hour is {peak:,.0f} requests/s, held flat for the horizon.
# - Classes: chat (Azure conversation trace lengths [K102]) and reasoning (output median 5,000 [A4]; share and output p90
#   fitted so input/output = 608/168 and the KV length per output token is 4,989 as DeepSeek reports, D); cache hit 0.563 [A5].
# - Fleet: {replicas} replicas of h800-pd = {replicas} decode units of 18 nodes + 14 prefill nodes each = {replicas * pd['per_replica'] // 8} nodes (DeepSeek's
#   peak: 278 [A5], of which 13 prefill nodes per decode unit at full prefill load; the 14th is ESTIMATE headroom).
# - Horizon 4 h: the reasoning requests' long outputs (minutes each) fill the decode batch over the first hour.
# - Cost: $2 per GPU-hour as DeepSeek assumed [A5] (rental_per_hour), plus electricity at the YRD hubs' price [S24]
#   and PUE 1.25 (hub target, domain-facts §1); DeepSeek's $0.11 per million tokens counts the GPUs only.
# - Grid and network: one region with enough firm supply (ESTIMATE), users 10 ms from the hub (ESTIMATE).
name: deepseek-h800-reference
time:
  start: 2025-02-27
  horizon: 4 h
  dispatch_interval: 5 min
  seed: 1
policy: latency-first
network:
  fiber_us_per_km: 4.9            # [C16]
  usd_per_million_tokens: 0.001   # ESTIMATE (overseas fact sheet §6: negligible)
regions:
  - {{id: zhejiang, background_load: 3500 MW}}   # ESTIMATE: a grid that can always serve the hub
plants:
  - {{id: zhejiang-coal, region: zhejiang, type: coal, capacity: 4 GW, lat: 30.0, lon: 120.6, marginal_cost: 55, carbon: 820, ramp_per_minute: 80 MW}}   # ESTIMATE
  - {{id: zhejiang-nuclear, region: zhejiang, type: nuclear, capacity: 1 GW, lat: 30.4, lon: 120.9, marginal_cost: 10, ramp_per_minute: 2 MW}}   # ESTIMATE
links: []
{acc}
hubs:
  - {{id: deepseek-h800, region: zhejiang, role: east, lat: 30.3, lon: 120.2, accelerator: h800-pd, replicas: {replicas}, simulated_replicas: 1,
     pue: 1.25, electricity_price: 90.3}}   # fleet above; PUE hub target (domain-facts §1); price as the YRD hubs [S24]
cables: []
users:
  - id: deepseek-users
    lat: 30.3            # Hangzhou (ESTIMATE: users' centre for the map only)
    lon: 120.2
    utc_offset: 8
    bundles_per_second: {peak / 1000:.3f}   # x requests_per_bundle = {peak:,.0f} requests/s, the peak hour (see the header)
    requests_per_bundle: 1000
    cohort: 1024
    price_input: 0.55          # DeepSeek-R1 list prices at launch, USD per million tokens: input cache miss [A14d][A5]
    price_cached_input: 0.14   # input cache hit [A14d][A5]
    price_output: 2.19         # output [A14d][A5]; [A5]'s "theoretical revenue" of $562,027/day is priced this way
    classes:
      - {{name: chat, share: {1 - c['share']:.4f}, prompt_median: 1020, prompt_p90: 2734, output_median: 129, output_p90: 424, cache_hit: 0.563, slo_ttft: 2000 ms, slo_tpot: 50 ms}}   # [K102] lengths, [A5] cache hits and 20-22 tok/s
      - {{name: reasoning, share: {c['share']:.4f}, prompt_median: 1020, prompt_p90: 2734, output_median: 5000, output_p90: {c['output_p90']:.0f}, cache_hit: 0.563, slo_ttft: 2000 ms, slo_tpot: 50 ms}}   # [A4] median; share and p90 fitted (D, header)
    routes: [{{hub: deepseek-h800, terrestrial: 10 ms}}]
faults: []
calibration:
  - {{id: prefill-per-node, metric: prefill_tokens_per_node_s, hub: deepseek-h800, low: 58960, high: 88440, source: "[A5] 73.7k input tok/s per H800 node in prefill ± 20 %"}}
  - {{id: decode-per-node, metric: decode_tokens_per_node_s, hub: deepseek-h800, low: 11840, high: 17760, source: "[A5] 14.8k output tok/s per H800 node in decode ± 20 %"}}
  - {{id: stream-speed, metric: stream_tokens_per_s, low: 20, high: 22, source: "[A5] 20-22 tok/s per user stream"}}
  - {{id: cost, metric: cost_per_million_tokens_usd, low: 0.056, high: 0.224, source: "[A5] $87,072/day ÷ 776 B tokens = $0.112 per million at $2/GPU-h; within 2×"}}
  - {{id: it-energy, metric: it_energy_per_output_token_j, hub: deepseek-h800, low: 0.4, high: 1.5, source: "[A5] D+E ≈0.7 J per output token at the IT level; band of the serving issue"}}
  - {{id: unserved, metric: unserved_share, high: 0.0001, source: "ESTIMATE: the reference grid is never short"}}
"""


if __name__ == "__main__":
    main()
