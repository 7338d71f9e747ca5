# Generates scenarios/china-token-supply-chain.yaml and its fault variants from the figures in
# shared/data (sources cited in the generated comments). Run: python3 tools/generate_default_scenarios.py
import math, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
def gc(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dl = math.radians(lo2 - lo1)
    c = math.sin(p1)*math.sin(p2) + math.cos(p1)*math.cos(p2)*math.cos(dl)
    return 6371 * math.acos(max(-1, min(1, c)))
def ms(a, b):  # one-way terrestrial latency estimate: great circle x 1.35 route factor x 4.9 us/km + 0.5 ms equipment
    return round(gc(a, b) * 1.35 * 4.9e-3 + 0.5, 1)

out = []
w = out.append
w("""# china-token-supply-chain.yaml — the default GridActors scenario.
#
# What it covers: China's western and northern renewable and coal bases → UHV DC links → the eight
# national computing hubs of "East Data, West Computing" (10 clusters) → AI inference → subsea and
# cross-border cables → ten user regions worldwide; 24 simulated hours on the June solstice.
# Seed 1. Routing: latency-first.
#
# Sources: every [Xn] tag refers to shared/data/domain-facts.md (and reference-topology.yaml).
# Status labels: sourced = stated in the source; derived = arithmetic on sourced numbers;
# ESTIMATE = an assumption (coordinates, loads, serving-unit scaling, shares) — calibrate before
# publishing results.
#
# Scaling (ESTIMATE, documented): one "server" is a serving unit that serves one bundle of
# 100,000 requests concurrently at 40 tokens/s per stream (TPOT 25 ms [D7b]) = 4 M tokens/s; at
# ~1,275 tokens/s per accelerator and 1.275 kW per accelerator (DGX H100 per-GPU max [overseas §4])
# that is ~3,140 accelerators and 4 MW of IT power at full load (≈1.0 J/token, the blended default
# [A5 estimate]); idle power 30 % (ESTIMATE). Units per cluster follow the clusters' IT capacity
# (racks × 2.5 kW [S5]) where sourced. Bundle rates follow token volumes: China ~1.4e14 tokens/day
# [A23] and global API volumes [A21][A22] (shares by region are ESTIMATES [user_regions]).
# Energy prices are converted at 7.2 CNY/USD (ESTIMATE).
name: china-token-supply-chain
time:
  start: 2026-06-21
  horizon: 24 h
  dispatch_interval: 5 min
  seed: 1
policy: latency-first
network:
  fiber_us_per_km: 4.9            # sourced [C16]
  usd_per_million_tokens: 0.001   # ESTIMATE upper bound [overseas §6: negligible]
""")
# ---------------- regions
# background loads: ESTIMATE (provincial average loads, order of magnitude), with a daily profile
load_profile = [0.85,0.82,0.80,0.79,0.80,0.84,0.90,0.97,1.03,1.07,1.09,1.10,1.06,1.05,1.08,1.10,1.11,1.13,1.15,1.14,1.10,1.03,0.95,0.89]
regions = [
 ("xinjiang", 45000), ("gansu", 22000), ("ningxia", 12000), ("qinghai", 10000), ("inner_mongolia", 55000),
 ("sichuan", 45000), ("yunnan", 28000), ("guizhou", 22000),
 ("hebei", 45000), ("shandong", 95000), ("jiangsu", 115000), ("zhejiang", 95000), ("shanghai", 33000), ("anhui", 45000),
 ("henan", 65000), ("hunan", 38000), ("hubei", 42000), ("jiangxi", 28000), ("chongqing", 24000), ("guangdong", 125000),
]
w("\n# Grid regions (provinces). Background loads are ESTIMATES (average provincial load, MW) shaped by an\n# ESTIMATE hourly profile (local time).\nregions:")
prof = "[" + ", ".join(str(x) for x in load_profile) + "]"
for rid, load in regions:
    w(f"  - {{id: {rid}, background_load: {load} MW, load_profile: {prof}}}")

# ---------------- plants
w("""
# Generation aggregates per province/base (shared/data plants section). Renewable splits and capacity
# factors are ESTIMATES unless marked; thermal costs (USD/MWh) and carbon (kg/MWh) are ESTIMATES.
plants:""")
P = []
def plant(id, region, typ, gw, lat, lon, cf=None, cost=None, carbon=None, ramp=None, fo=None, note=""):
    parts = [f"id: {id}", f"region: {region}", f"type: {typ}", f"capacity: {gw} GW", f"lat: {lat}", f"lon: {lon}"]
    if cf is not None: parts.append(f"capacity_factor: {cf}")
    if cost is not None: parts.append(f"marginal_cost: {cost}")
    if carbon is not None: parts.append(f"carbon: {carbon}")
    if ramp is not None: parts.append(f"ramp_per_minute: {ramp} MW")
    if fo is not None: parts.append(f"forced_outages_per_year: {fo}")
    w(f"  - {{{', '.join(parts)}}}" + (f"   # {note}" if note else ""))
plant("inner_mongolia_wind", "inner_mongolia", "wind", 96.4, 40.8, 111.7, 0.26, note="96.4 GW ESTIMATE split of 147.6 GW new energy [R8][R9]; CF ESTIMATE")
plant("inner_mongolia_solar", "inner_mongolia", "solar", 51.2, 40.8, 111.7, 0.18, note="ESTIMATE split [R9]")
plant("inner_mongolia_coal", "inner_mongolia", "coal", 134.7, 40.8, 111.7, cost=35, carbon=850, ramp=1500, fo=2, note="derived 282.26 - 147.59 GW [R8]")
plant("gansu_wind", "gansu", "wind", 27.0, 39.7, 98.5, 0.22, note=">50 GW new energy [R10]; split ESTIMATE")
plant("gansu_solar", "gansu", "solar", 28.0, 39.7, 98.5, 0.18, note="split ESTIMATE [R10]")
plant("gansu_coal", "gansu", "coal", 25.0, 36.1, 103.8, cost=38, carbon=850, ramp=300, fo=2, note="ESTIMATE (89.63 GW total end-2023 [R10])")
plant("ningxia_wind", "ningxia", "wind", 15.0, 37.5, 105.7, 0.23, note=">36 GW new energy [R11]; split ESTIMATE")
plant("ningxia_solar", "ningxia", "solar", 21.0, 37.5, 105.7, 0.18, note="split ESTIMATE [R11]")
plant("ningxia_coal", "ningxia", "coal", 30.0, 38.1, 106.4, cost=36, carbon=850, ramp=350, fo=2, note="ESTIMATE (46% of total is not new energy [R11])")
plant("qinghai_solar", "qinghai", "solar", 25.6, 36.3, 100.6, 0.19, note="sourced 25.60 GW [R13]")
plant("qinghai_wind", "qinghai", "wind", 11.85, 36.3, 100.6, 0.22, note="sourced 11.85 GW [R13]")
plant("qinghai_hydro", "qinghai", "hydro", 13.05, 36.0, 101.5, 0.40, note="sourced 13.05 GW [R13]; CF ESTIMATE")
plant("xinjiang_wind", "xinjiang", "wind", 60.0, 43.8, 87.6, 0.24, note=">100 GW new energy [R14]; split ESTIMATE")
plant("xinjiang_solar", "xinjiang", "solar", 40.0, 43.8, 87.6, 0.17, note="split ESTIMATE [R14][R15]")
plant("xinjiang_coal_zhundong", "xinjiang", "coal", 40.0, 44.4, 89.5, cost=30, carbon=900, ramp=500, fo=2, note="ESTIMATE (sending-end support)")
plant("sichuan_baihetan_hydro", "sichuan", "hydro", 16.0, 27.2, 102.9, 0.45, note="sourced 16 GW [U16]; CF ESTIMATE")
plant("sichuan_hydro_other", "sichuan", "hydro", 70.0, 30.0, 102.5, 0.45, note="ESTIMATE (Sichuan hydro fleet)")
plant("yunnan_wudongde_hydro", "yunnan", "hydro", 10.2, 26.3, 102.6, 0.45, note="ESTIMATE [U17]")
plant("yunnan_hydro_other", "yunnan", "hydro", 60.0, 25.0, 101.0, 0.45, note="ESTIMATE")
plant("guizhou_hydro", "guizhou", "hydro", 35.0, 26.6, 106.7, 0.40, note="100 GW total [R16] x hydro share 0.35 ESTIMATE")
plant("guizhou_coal", "guizhou", "coal", 45.0, 26.6, 106.7, cost=40, carbon=880, ramp=500, fo=2, note="ESTIMATE remainder [R16]")
plant("east_coast_nuclear", "zhejiang", "nuclear", 20.0, 30.4, 120.9, 0.9, cost=10, ramp=50, note="placeholder ESTIMATE (reference topology: 60 GW across four provinces)")
plant("guangdong_nuclear", "guangdong", "nuclear", 20.0, 22.6, 114.5, 0.9, cost=10, ramp=50, note="placeholder ESTIMATE")
plant("shandong_nuclear", "shandong", "nuclear", 10.0, 36.9, 121.5, 0.9, cost=10, ramp=30, note="placeholder ESTIMATE")
plant("jiangsu_nuclear", "jiangsu", "nuclear", 10.0, 34.7, 119.4, 0.9, cost=10, ramp=30, note="placeholder ESTIMATE")
# east thermal fleets (ESTIMATE) so that eastern load is served
east_thermal = {"hebei": 40000, "shandong": 85000, "jiangsu": 100000, "zhejiang": 70000, "shanghai": 30000, "anhui": 40000,
  "henan": 55000, "hunan": 30000, "hubei": 35000, "jiangxi": 25000, "chongqing": 20000, "guangdong": 100000, "sichuan": 10000, "yunnan": 5000}
coords = {"hebei": (38.0, 114.5), "shandong": (36.6, 117.0), "jiangsu": (32.1, 118.8), "zhejiang": (30.3, 120.2), "shanghai": (31.2, 121.5),
  "anhui": (31.8, 117.2), "henan": (34.75, 113.6), "hunan": (28.2, 112.9), "hubei": (30.6, 114.3), "jiangxi": (28.7, 115.9),
  "chongqing": (29.6, 106.5), "guangdong": (23.1, 113.3), "sichuan": (30.7, 104.1), "yunnan": (25.0, 102.7)}
for r, mw in east_thermal.items():
    la, lo = coords[r]
    plant(f"{r}_thermal", r, "coal", round(mw*1.25/1000, 1), la, lo, cost=55, carbon=820, ramp=round(mw*0.015), fo=1, note="ESTIMATE provincial thermal fleet")
# hebei renewables near zhangjiakou (ESTIMATE)
plant("hebei_zhangbei_wind", "hebei", "wind", 25.0, 41.2, 114.7, 0.24, note="ESTIMATE (Zhangjiakou renewable base)")

# ---------------- links
w("""
# UHV DC links west→east [U1]-[U22]; capacities and lengths as in reference-topology.yaml (status there).
# Losses 3 %/1000 km [U20] (UHVDC range 1.5–3 % [U21]).
links:""")
links = [
 ("zhundong_wannan", "xinjiang", "anhui", 12, 3293, "sourced [U2]"),
 ("hami_zhengzhou", "xinjiang", "henan", 8, 2210, "sourced [U4]"),
 ("hami_chongqing", "xinjiang", "chongqing", 8, 2260, "sourced [U5]"),
 ("jiuquan_hunan", "gansu", "hunan", 8, 2383, "length [U6]; capacity ESTIMATE"),
 ("qinghai_henan", "qinghai", "henan", 8, 1587, "sourced [U7]"),
 ("lingzhou_shaoxing", "ningxia", "zhejiang", 8, 1720, "sourced [U8]"),
 ("ningxia_hunan", "ningxia", "hunan", 8, 1616, "sourced [U9]"),
 ("longdong_shandong", "gansu", "shandong", 8, 915, "length [U10]; capacity ESTIMATE"),
 ("gansu_zhejiang", "gansu", "zhejiang", 8, 2370, "sourced [U11]; under construction, included as planned"),
 ("ximeng_taizhou", "inner_mongolia", "jiangsu", 10, 1620, "sourced [U12]"),
 ("shanghaimiao_shandong", "inner_mongolia", "shandong", 10, 1238, "sourced [U13]"),
 ("jarud_qingzhou", "inner_mongolia", "shandong", 10, 1228, "length [U14]; capacity ESTIMATE"),
 ("baihetan_jiangsu", "sichuan", "jiangsu", 8, 2080, "sourced [U15]"),
 ("baihetan_zhejiang", "sichuan", "zhejiang", 8, 2121, "sourced [U16]"),
 ("kunliulong_wudongde", "yunnan", "guangdong", 8, 1452, "length [U17]; capacity ESTIMATE"),
 ("yazhong_jiangxi", "sichuan", "jiangxi", 8, 1696, "length [U18]; capacity ESTIMATE"),
 ("jinshang_hubei", "sichuan", "hubei", 8, 1901, "length [U19]; capacity ESTIMATE; under construction"),
 ("guizhou_guangdong", "guizhou", "guangdong", 8, 1200, "ESTIMATE (west-east AC/DC corridor; not in the reference list)"),
 ("inner_mongolia_hebei", "inner_mongolia", "hebei", 6, 600, "ESTIMATE (north AC/DC ties to Hebei; not in the reference list)"),
]
for id, f, t, gw, km, note in links:
    w(f"  - {{id: {id}, from: {f}, to: {t}, capacity: {gw} GW, length: {km} km, loss_per_1000km: 3 %}}   # {note}")

# ---------------- hubs
w("""
# The 10 clusters of the 8 national hubs [S2][S20]. role east = real-time, west = batch [S20].
# servers = serving units (4 MW IT each at full load, see the header); PUE targets [S3][S4][S21];
# prices CNY/kWh → USD/MWh at 7.2 (sourced where marked in reference-topology.yaml, else ESTIMATE).
# capital_per_server_hour: 3,140 accelerators × ~$25k × 1.4 server overhead ÷ (5 years × 8760 h) ≈ $2,500 (ESTIMATE from [overseas §3]).
hubs:""")
hubs = [
 # id, region, lat, lon, role, servers, pue, cny_kwh, note
 ("bth-zhangjiakou", "hebei", 40.6, 115.0, "east", 230, 1.25, 0.55, "460k racks, 1,150 MW IT [S9] → ~290 units; 230 for inference (ESTIMATE)"),
 ("yrd-demo-zone", "shanghai", 31.1, 120.9, "east", 260, 1.25, 0.65, "racks not sourced; ESTIMATE; PUE and price [S3]/[S24]"),
 ("yrd-wuhu", "anhui", 31.35, 118.4, "east", 100, 1.25, 0.65, "ESTIMATE [S19]"),
 ("gba-shaoguan", "guangdong", 24.8, 113.6, "east", 160, 1.25, 0.65, "120k racks [S13] → 300 MW IT; plus ESTIMATE Shenzhen-area AI capacity"),
 ("chengyu-tianfu", "sichuan", 30.4, 104.1, "east", 60, 1.25, 0.50, "ESTIMATE"),
 ("chengyu-chongqing", "chongqing", 29.6, 106.5, "east", 60, 1.25, 0.50, "ESTIMATE"),
 ("inner-mongolia-helinger", "inner_mongolia", 40.4, 111.8, "west", 150, 1.20, 0.38, "ESTIMATE size; price 0.38 CNY/kWh [S18]"),
 ("guizhou-guian", "guizhou", 26.4, 106.4, "west", 150, 1.20, 0.35, "ESTIMATE size; price 0.35 CNY/kWh [S16]"),
 ("gansu-qingyang", "gansu", 35.7, 107.6, "west", 65, 1.20, 0.35, "100k racks [S6] → 250 MW IT; price ESTIMATE [S7]"),
 ("ningxia-zhongwei", "ningxia", 37.5, 105.2, "west", 100, 1.20, 0.36, ">100k racks [S26], 2,050 MW project [S11]; price 0.36 [S26]"),
]
hubpos = {}
for id, region, lat, lon, role, servers, pue, cny, note in hubs:
    hubpos[id] = (lat, lon)
    usd = round(cny * 1000 / 7.2, 1)
    w(f"  - {{id: {id}, region: {region}, role: {role}, lat: {lat}, lon: {lon}, servers: {servers}, tokens_per_second_per_server: 4000000,")
    w(f"     idle_power_per_server: 1.2 MW, full_power_per_server: 4 MW, pue: {pue}, electricity_price: {usd}, capital_per_server_hour: 2500, queue_limit: 400}}   # {note}")

# ---------------- cables
w("""
# Subsea and cross-border cables [C1]-[C14]; lengths and design capacities sourced unless marked.
cables:""")
cables = [("sjc2", 10500, 126, "[C1]"), ("sjc", 8900, 28, "[C2]"), ("apg", 10400, 54.8, "[C3]"), ("ncp", 13000, 70, "[C4]"),
  ("tpe", 18000, 5.12, "[C5]"), ("aae1", 25000, 40, "[C6]"), ("adc", 9988, 160, "[C8]"), ("plcn", 12800, 144, "[C10]; HK segment status not verified"),
  ("aag", 20000, 10, "[C10]; length ESTIMATE"), ("peace", 21500, 96, "[C7]; reaches China via the China–Pakistan fibre"),
  ("smw3", 39000, 0.5, "ESTIMATE [C12]"), ("cn_pk_fiber", 2950, 1, "[C13]; capacity ESTIMATE"), ("cmi_myanmar", 1500, 1, "[C14]; capacity ESTIMATE")]
for id, km, tbps, note in cables:
    w(f"  - {{id: {id}, length: {km} km, capacity: {tbps} Tbps}}   # {note}")

# ---------------- users
diurnal = "[0.79, 0.71, 0.66, 0.63, 0.63, 0.66, 0.75, 0.89, 1.05, 1.18, 1.24, 1.25, 1.20, 1.22, 1.25, 1.24, 1.20, 1.14, 1.10, 1.12, 1.14, 1.08, 0.99, 0.89]"
w(f"""
# User regions [user_regions, ESTIMATE shares]. A bundle = 100,000 requests × 1,000 tokens (ESTIMATE).
# China: 1.4e14 tokens/day [A23] = 1.62e9 tokens/s = 16.2 bundles/s, split 30/35/25/10 % (ESTIMATE).
# Global (non-China) API volume served from China: 4.7e12 tokens/week of CN models on OpenRouter [A22]
# is a floor; ESTIMATE 6 bundles/s in total, split by the reference shares.
# Diurnal profile: ESTIMATE normalised to mean 1 with peak/mean 1.25 [A5] (local hour).
# SLO: TTFT p95 500 ms for interactive work [D7c]; real-time share 0.6–0.7 [workloads, ESTIMATE].
# Latencies: terrestrial = great-circle km × 1.35 [C16] × 4.9 µs/km + 0.5 ms equipment (ESTIMATE);
# cable_km = distance along the cable between the users' landing and the Chinese landing (ESTIMATE).
users:""")
LAND = {"shanghai": (31.5, 121.9), "qingdao": (36.1, 120.4), "hong_kong": (22.2, 114.2), "urumqi": (43.8, 87.6), "ruili": (24.0, 97.85)}
def routes_dom(city):
    rs = []
    for h in hubpos:
        rs.append(f"{{hub: {h}, terrestrial: {ms(city, hubpos[h])} ms}}")
    return rs
def routes_intl(spec):
    rs = []
    for cable, km, land, hubs_ in spec:
        for h in hubs_:
            rs.append(f"{{hub: {h}, cable: {cable}, cable_km: {km} km, terrestrial: {ms(LAND[land], hubpos[h])} ms}}")
    return rs
east = ["bth-zhangjiakou", "yrd-demo-zone", "yrd-wuhu", "gba-shaoguan", "chengyu-tianfu", "chengyu-chongqing"]
users = [
 ("cn_north", 8, 4.9, 0.7, (39.9, 116.4), None, "Beijing; 30 % of China"),
 ("cn_east", 8, 5.7, 0.7, (31.2, 121.5), None, "Shanghai; 35 %"),
 ("cn_south", 8, 4.0, 0.7, (22.5, 114.05), None, "Shenzhen/HK; 25 %"),
 ("cn_southwest", 8, 1.6, 0.7, (30.66, 104.07), None, "Chengdu; 10 %"),
 ("north_america", -6, 2.7, 0.6, None, [("ncp", 10500, "shanghai", ["yrd-demo-zone", "bth-zhangjiakou", "ningxia-zhongwei", "inner-mongolia-helinger"]),
      ("tpe", 10500, "qingdao", ["yrd-demo-zone", "bth-zhangjiakou", "inner-mongolia-helinger"]),
      ("plcn", 12800, "hong_kong", ["gba-shaoguan", "guizhou-guian"]), ("aag", 13500, "hong_kong", ["gba-shaoguan", "guizhou-guian"])], "45 % of global"),
 ("europe", 1, 1.3, 0.6, None, [("aae1", 14000, "hong_kong", ["gba-shaoguan", "guizhou-guian", "yrd-demo-zone"]),
      ("peace", 18000, "urumqi", ["ningxia-zhongwei", "gansu-qingyang", "chengyu-tianfu"]),
      ("smw3", 15000, "hong_kong", ["gba-shaoguan", "guizhou-guian"])], "22 %"),
 ("se_asia", 8, 0.72, 0.6, None, [("sjc2", 2900, "hong_kong", ["gba-shaoguan", "guizhou-guian", "yrd-demo-zone"]),
      ("adc", 2900, "hong_kong", ["gba-shaoguan", "guizhou-guian"]), ("apg", 3800, "shanghai", ["yrd-demo-zone", "ningxia-zhongwei"]),
      ("sjc", 2900, "hong_kong", ["gba-shaoguan"]), ("cmi_myanmar", 2500, "ruili", ["chengyu-tianfu", "guizhou-guian"])], "12 %"),
 ("ne_asia", 9, 0.48, 0.6, None, [("apg", 2000, "shanghai", ["yrd-demo-zone", "bth-zhangjiakou", "ningxia-zhongwei"]),
      ("ncp", 2100, "shanghai", ["yrd-demo-zone", "inner-mongolia-helinger"]), ("sjc2", 2500, "shanghai", ["yrd-demo-zone"]),
      ("tpe", 900, "qingdao", ["bth-zhangjiakou", "yrd-demo-zone"])], "8 %"),
 ("south_asia_me", 4.5, 0.48, 0.6, None, [("cn_pk_fiber", 2950, "urumqi", ["ningxia-zhongwei", "gansu-qingyang", "chengyu-tianfu"]),
      ("aae1", 6000, "hong_kong", ["gba-shaoguan", "guizhou-guian"]), ("smw3", 6500, "hong_kong", ["gba-shaoguan"])], "8 %"),
 ("latam_other", -3, 0.3, 0.6, None, [("ncp", 17500, "shanghai", ["yrd-demo-zone", "inner-mongolia-helinger"]),
      ("plcn", 19800, "hong_kong", ["gba-shaoguan", "guizhou-guian"])], "5 %; via North America (cable_km includes ~7,000 km to the US, ESTIMATE)"),
]
for id, utc, rate, rt, city, intl, note in users:
    w(f"  - id: {id}   # {note}")
    w(f"    utc_offset: {utc}")
    w(f"    bundles_per_second: {rate}")
    w(f"    requests_per_bundle: 100000")
    w(f"    tokens_per_request: 1000")
    w(f"    realtime_share: {rt}")
    w(f"    prefill_share: 0.008")
    w(f"    slo_ttft: 500 ms")
    w(f"    diurnal: {diurnal}")
    rs = routes_dom(city) if city else routes_intl(intl)
    w("    routes:")
    for r in rs: w(f"      - {r}")
w("\nfaults: []")

base = "\n".join(out) + "\n"
open(os.path.join(ROOT, "scenarios", "china-token-supply-chain.yaml"), "w").write(base)

def variant(file, name, header, faults, policy=None):
    text = base.replace("name: china-token-supply-chain", "name: " + name, 1)
    text = text.replace("# china-token-supply-chain.yaml — the default GridActors scenario.", "# " + file + " — " + header.strip().splitlines()[0] + "\n#\n# " + "\n# ".join(header.strip().splitlines()[1:]) + "\n#\n# Everything else is the default scenario (china-token-supply-chain.yaml):", 1)
    if policy: text = text.replace("policy: latency-first", "policy: " + policy, 1)
    text = text.replace("\nfaults: []\n", "\nfaults:\n" + faults)
    open(os.path.join(ROOT, "scenarios", file), "w").write(text)

variant("cable-cuts-asian-evening-peak.yaml", "cable-cuts-asian-evening-peak",
"""SJC2 and APG cut during the Asian evening peak, under a 1.5× demand spike.
Question: what happens to p99 latency in South-East and North-East Asia and Europe, and how much traffic
reroutes over the remaining cables or is dropped, when two of the busiest intra-Asian systems fail at
20:00 Beijing time (12:00 UTC) during a demand spike?""",
"""  - {kind: cable-cut, target: sjc2, start: 12 h, duration: 8 h}     # 20:00 Beijing time; repair time ESTIMATE
  - {kind: cable-cut, target: apg, start: 12 h 30 min, duration: 8 h}
  - {kind: demand-spike, target: all, start: 11 h, duration: 4 h, multiplier: 1.5, ramp: 30 min}   # ESTIMATE
""".replace("12 h 30 min", "12.5 h"))

variant("gobi-dust-storm.yaml", "gobi-dust-storm",
"""A Gobi dust storm cuts solar output in Gansu, Ningxia and Inner Mongolia by 70 % for 10 hours.
Question: how much western curtailment disappears, how much coal replaces it, and do the western hubs'
batch queues grow when the power behind them falls? (Derate and duration are ESTIMATES.)""",
"""  - {kind: plant-outage, target: gansu_solar, start: 1 h, duration: 10 h, fraction: 70 %}
  - {kind: plant-outage, target: ningxia_solar, start: 1.5 h, duration: 10 h, fraction: 70 %}
  - {kind: plant-outage, target: inner_mongolia_solar, start: 2 h, duration: 10 h, fraction: 70 %}
""")

variant("model-launch-demand-spike.yaml", "model-launch-demand-spike",
"""A 3× demand spike after a major model launch (MiniMax M2.5: +197 % week over week [D6];
DeepSeek R1 launch outages [D5]), ramping up over 2 hours from 08:00 Beijing time and lasting 12 hours.
Question: where do queues build, how many requests are dropped, and what happens to TTFT p99 by region?""",
"""  - {kind: demand-spike, target: all, start: 0 h, duration: 12 h, multiplier: 3, ramp: 2 h}
""")

variant("eastern-hub-blackout.yaml", "eastern-hub-blackout",
"""A blackout takes down the YRD demonstration-zone cluster for 6 hours from 10:00 Beijing time.
Question: how well do the other eastern hubs absorb real-time traffic, and what does it cost in latency?""",
"""  - {kind: hub-failure, target: yrd-demo-zone, start: 2 h, duration: 6 h, fraction: 100 %}
""")

