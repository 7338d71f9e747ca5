# Generates scenarios/china-token-supply-chain.yaml (the default: the baseline day), its fault variants,
# the renewable-surplus pair (latency-first vs green-aware batch placement) and the overseas cost
# reference from the figures in shared/data (sources cited in the generated comments).
# Run: python3 tools/generate_default_scenarios.py [OUTPUT_DIR]   (default: scenarios/)
import math, os, re, sys
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SHARED = os.path.join(ROOT, "..", "shared", "data")   # shared/data next to the repository (optional: used for cross-checks)
def gc(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dl = math.radians(lo2 - lo1)
    c = math.sin(p1)*math.sin(p2) + math.cos(p1)*math.cos(p2)*math.cos(dl)
    return 6371 * math.acos(max(-1, min(1, c)))
def ms(a, b):  # one-way terrestrial latency estimate: great circle x 1.35 route factor x 4.9 us/km + 0.5 ms equipment
    return round(gc(a, b) * 1.35 * 4.9e-3 + 0.5, 1)

DEFAULT_HEADER = """# china-token-supply-chain.yaml — the default GridActors scenario.
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
"""

# ---------------- regions
# background loads: ESTIMATE (provincial average loads, order of magnitude), with a daily profile
load_profile = [0.85,0.82,0.80,0.79,0.80,0.84,0.90,0.97,1.03,1.07,1.09,1.10,1.06,1.05,1.08,1.10,1.11,1.13,1.15,1.14,1.10,1.03,0.95,0.89]
regions = [
 ("xinjiang", 45000), ("gansu", 22000), ("ningxia", 12000), ("qinghai", 10000), ("inner_mongolia", 55000),
 ("sichuan", 45000), ("yunnan", 28000), ("guizhou", 22000),
 ("hebei", 45000), ("shandong", 95000), ("jiangsu", 115000), ("zhejiang", 95000), ("shanghai", 33000), ("anhui", 45000),
 ("henan", 65000), ("hunan", 38000), ("hubei", 42000), ("jiangxi", 28000), ("chongqing", 24000), ("guangdong", 125000),
]

# ---------------- plants
PLANTS = []
def plant(id, region, typ, gw, lat, lon, cf=None, cost=None, carbon=None, ramp=None, fo=None, note=""):
    PLANTS.append(dict(id=id, region=region, typ=typ, gw=gw, lat=lat, lon=lon, cf=cf, cost=cost, carbon=carbon, ramp=ramp, fo=fo, note=note))
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

# ---------------- hubs
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
hubpos = {h[0]: (h[2], h[3]) for h in hubs}

# ---------------- cables
cables = [("sjc2", 10500, 126, "[C1]"), ("sjc", 8900, 28, "[C2]"), ("apg", 10400, 54.8, "[C3]"), ("ncp", 13000, 70, "[C4]"),
  ("tpe", 18000, 5.12, "[C5]"), ("aae1", 25000, 40, "[C6]"), ("adc", 9988, 160, "[C8]"), ("plcn", 12800, 144, "[C10]; HK segment status not verified"),
  ("aag", 20000, 10, "[C10]; length ESTIMATE"), ("peace", 21500, 96, "[C7]; reaches China via the China–Pakistan fibre"),
  ("smw3", 39000, 0.5, "ESTIMATE [C12]"), ("cn_pk_fiber", 2950, 1, "[C13]; capacity ESTIMATE"), ("cmi_myanmar", 1500, 1, "[C14]; capacity ESTIMATE")]

# ---------------- users
diurnal = "[0.79, 0.71, 0.66, 0.63, 0.63, 0.66, 0.75, 0.89, 1.05, 1.18, 1.24, 1.25, 1.20, 1.22, 1.25, 1.24, 1.20, 1.14, 1.10, 1.12, 1.14, 1.08, 0.99, 0.89]"
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

# Users' centres (lat, lon) for the report's map: the representative cities of reference-topology.yaml
# user_regions (ESTIMATE representative points; north_america is the San Francisco/Virginia midpoint,
# south_asia_me a point between Mumbai, Dubai and Karachi). They do not affect the simulation.
USER_CENTRES = {
 "cn_north": (39.9, 116.4, "Beijing"), "cn_east": (31.2, 121.5, "Shanghai"), "cn_south": (22.5, 114.05, "Shenzhen/HK"),
 "cn_southwest": (30.66, 104.07, "Chengdu"), "north_america": (38.0, -100.0, "San Francisco/Virginia midpoint"),
 "europe": (50.1, 8.7, "Frankfurt"), "se_asia": (1.3, 103.8, "Singapore"), "ne_asia": (35.7, 139.7, "Tokyo/Seoul"),
 "south_asia_me": (22.0, 63.0, "Mumbai/Dubai/Karachi"), "latam_other": (-23.5, -46.6, "Sao Paulo"),
}
assert set(USER_CENTRES) == {u[0] for u in users}

def check_user_centres():
    """Cross-check USER_CENTRES against shared/data/reference-topology.yaml when it is there."""
    path = os.path.join(SHARED, "reference-topology.yaml")
    if not os.path.exists(path):
        print(f"note: {path} not found; user centres not cross-checked", file=sys.stderr)
        return
    ref = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in re.finditer(
        r"-\s*\{id:\s*([a-z_]+),\s*city:[^}]*?lat:\s*(-?[\d.]+),\s*lon:\s*(-?[\d.]+)", open(path, encoding="utf-8").read())}
    for uid, (la, lo, _) in USER_CENTRES.items():
        if ref.get(uid) != (la, lo):
            print(f"warning: user centre {uid} {(la, lo)} differs from reference-topology.yaml {ref.get(uid)}", file=sys.stderr)

# ---------------- the scenario text
def build(name="china-token-supply-chain", header=DEFAULT_HEADER, policy="latency-first", plants_over=None,
          plants_comment="", hubs_over=None, hubs_comment="", realtime=None, users_comment=""):
    """The default scenario, or a variant of it: plants_over = {plant id: (GW, note)};
    hubs_over = {hub id: dict(servers=, pue=, usd_mwh=, capital=, note=)}; realtime = {user id: share}."""
    plants_over, hubs_over, realtime = plants_over or {}, hubs_over or {}, realtime or {}
    out = []
    w = out.append
    w(header.replace("Routing: latency-first.", f"Routing: {policy}.") + f"""name: {name}
time:
  start: 2026-06-21
  horizon: 24 h
  dispatch_interval: 5 min
  seed: 1
policy: {policy}
network:
  fiber_us_per_km: 4.9            # sourced [C16]
  usd_per_million_tokens: 0.001   # ESTIMATE upper bound [overseas §6: negligible]
""")
    w("\n# Grid regions (provinces). Background loads are ESTIMATES (average provincial load, MW) shaped by an\n# ESTIMATE hourly profile (local time).\nregions:")
    prof = "[" + ", ".join(str(x) for x in load_profile) + "]"
    for rid, load in regions:
        w(f"  - {{id: {rid}, background_load: {load} MW, load_profile: {prof}}}")

    w("""
# Generation aggregates per province/base (shared/data plants section). Renewable splits and capacity
# factors are ESTIMATES unless marked; thermal costs (USD/MWh) and carbon (kg/MWh) are ESTIMATES.""" + plants_comment + "\nplants:")
    for p in PLANTS:
        gw, note = p["gw"], p["note"]
        if p["id"] in plants_over:
            gw, extra = plants_over[p["id"]]
            note = extra + " (default " + str(p["gw"]) + " GW: " + note + ")"
        parts = [f"id: {p['id']}", f"region: {p['region']}", f"type: {p['typ']}", f"capacity: {gw} GW", f"lat: {p['lat']}", f"lon: {p['lon']}"]
        if p["cf"] is not None: parts.append(f"capacity_factor: {p['cf']}")
        if p["cost"] is not None: parts.append(f"marginal_cost: {p['cost']}")
        if p["carbon"] is not None: parts.append(f"carbon: {p['carbon']}")
        if p["ramp"] is not None: parts.append(f"ramp_per_minute: {p['ramp']} MW")
        if p["fo"] is not None: parts.append(f"forced_outages_per_year: {p['fo']}")
        w(f"  - {{{', '.join(parts)}}}" + (f"   # {note}" if note else ""))

    w("""
# UHV DC links west→east [U1]-[U22]; capacities and lengths as in reference-topology.yaml (status there).
# Losses 3 %/1000 km [U20] (UHVDC range 1.5–3 % [U21]).
links:""")
    for id, f, t, gw, km, note in links:
        w(f"  - {{id: {id}, from: {f}, to: {t}, capacity: {gw} GW, length: {km} km, loss_per_1000km: 3 %}}   # {note}")

    w("""
# The 10 clusters of the 8 national hubs [S2][S20]. role east = real-time, west = batch [S20].
# servers = serving units (4 MW IT each at full load, see the header); PUE targets [S3][S4][S21];
# prices CNY/kWh → USD/MWh at 7.2 (sourced where marked in reference-topology.yaml, else ESTIMATE).
# capital_per_server_hour: 3,140 accelerators × ~$25k × 1.4 server overhead ÷ (5 years × 8760 h) ≈ $2,500 (ESTIMATE from [overseas §3]).""" + hubs_comment + "\nhubs:")
    for id, region, lat, lon, role, servers, pue, cny, note in hubs:
        usd, capital = round(cny * 1000 / 7.2, 1), 2500
        if id in hubs_over:
            o = hubs_over[id]
            servers, pue, usd, capital = o.get("servers", servers), o.get("pue", pue), o.get("usd_mwh", usd), o.get("capital", capital)
            note = o["note"] + " (default: " + note + ")"
        w(f"  - {{id: {id}, region: {region}, role: {role}, lat: {lat}, lon: {lon}, servers: {servers}, tokens_per_second_per_server: 4000000,")
        w(f"     idle_power_per_server: 1.2 MW, full_power_per_server: 4 MW, pue: {pue}, electricity_price: {usd}, capital_per_server_hour: {capital}, queue_limit: 400}}   # {note}")

    w("""
# Subsea and cross-border cables [C1]-[C14]; lengths and design capacities sourced unless marked.
cables:""")
    for id, km, tbps, note in cables:
        w(f"  - {{id: {id}, length: {km} km, capacity: {tbps} Tbps}}   # {note}")

    w(f"""
# User regions [user_regions, ESTIMATE shares]. A bundle = 100,000 requests × 1,000 tokens (ESTIMATE).
# China: 1.4e14 tokens/day [A23] = 1.62e9 tokens/s = 16.2 bundles/s, split 30/35/25/10 % (ESTIMATE).
# Global (non-China) API volume served from China: 4.7e12 tokens/week of CN models on OpenRouter [A22]
# is a floor; ESTIMATE 6 bundles/s in total, split by the reference shares.
# Diurnal profile: ESTIMATE normalised to mean 1 with peak/mean 1.25 [A5] (local hour).
# SLO: TTFT p95 500 ms for interactive work [D7c]; real-time share 0.6–0.7 [workloads, ESTIMATE].
# Latencies: terrestrial = great-circle km × 1.35 [C16] × 4.9 µs/km + 0.5 ms equipment (ESTIMATE);
# cable_km = distance along the cable between the users' landing and the Chinese landing (ESTIMATE).
# lat/lon = the users' centre for the report's map: a representative city [user_regions] (ESTIMATE
# representative points; not used by the simulation).{users_comment}
users:""")
    for id, utc, rate, rt, city, intl, note in users:
        la, lo, place = USER_CENTRES[id]
        w(f"  - id: {id}   # {note}")
        w(f"    lat: {la}   # {place} (ESTIMATE)")
        w(f"    lon: {lo}")
        w(f"    utc_offset: {utc}")
        w(f"    bundles_per_second: {rate}")
        w(f"    requests_per_bundle: 100000")
        w(f"    tokens_per_request: 1000")
        w(f"    realtime_share: {realtime.get(id, rt)}")
        w(f"    prefill_share: 0.008")
        w(f"    slo_ttft: 500 ms")
        w(f"    diurnal: {diurnal}")
        rs = routes_dom(city) if city else routes_intl(intl)
        w("    routes:")
        for r in rs: w(f"      - {r}")
    w("\nfaults: []")
    return "\n".join(out) + "\n"

def retitle(text, file, header, rest="Everything else is the default scenario (china-token-supply-chain.yaml):"):
    """Replaces the default's title line by FILE — first header line, the other header lines, then REST."""
    lines = header.strip().splitlines()
    return text.replace("# china-token-supply-chain.yaml — the default GridActors scenario.",
                        "# " + file + " — " + lines[0] + "\n#\n" + "\n".join("# " + l if l else "#" for l in lines[1:]) + "\n#\n# " + rest, 1)

# ---------------- files
def variant(file, name, header, faults, policy=None):
    text = base.replace("name: china-token-supply-chain", "name: " + name, 1)
    text = retitle(text, file, header)
    if policy: text = text.replace("policy: latency-first", "policy: " + policy, 1)
    text = text.replace("\nfaults: []\n", "\nfaults:\n" + faults)
    write(file, text)

def write(file, text):
    with open(os.path.join(OUT, file), "w", encoding="utf-8") as f:
        f.write(text)

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "scenarios")
check_user_centres()
base = build()
write("china-token-supply-chain.yaml", base)

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


# ---------------- renewable surplus: latency-first vs green-aware batch placement
# A 2030-style build-out of the north-western new-energy bases that host western hubs: Gansu's and
# Ningxia's wind and solar grow by Inner Mongolia's sourced 2025→2030 factor (147.6 GW [R8] → >300 GW
# [R9], ×2.03; the transfer to Gansu/Ningxia is an ESTIMATE). Inner Mongolia itself stays at the
# default: at its 2030 target it curtails ~20 % (trial run), far more than any batch placement can
# absorb, and its hub (Helinger) is the one latency-first already fills, so the pair would show no
# difference. Qingyang gets its 2030 plan (800k racks × 2.5 kW = 2,000 MW IT [S5] → 500 units); batch
# grows to half of all bundles (realtime_share 0.5, ESTIMATE; default 0.6–0.7).
NW_SCALE = round(300.0 / (96.4 + 51.2), 2)   # 2.03
SURPLUS_RT = 0.5
surplus_plants = {p["id"]: (round(p["gw"] * NW_SCALE, 1), f"× {NW_SCALE} 2030-style build-out (ESTIMATE, factor from [R8][R9])")
                  for p in PLANTS if p["region"] in ("gansu", "ningxia") and p["typ"] in ("wind", "solar")}
surplus_hubs = {"gansu-qingyang": dict(servers=500, note="2030 plan 800k racks × 2.5 kW = 2,000 MW IT [S5] → 500 units (derived)")}
surplus_rt = {u[0]: SURPLUS_RT for u in users}
for policy in ("latency-first", "green-aware"):
    file = f"renewable-surplus-{policy}.yaml"
    other = f"renewable-surplus-{'green-aware' if policy == 'latency-first' else 'latency-first'}.yaml"
    text = build(name=f"renewable-surplus-{policy}", policy=policy, plants_over=surplus_plants, hubs_over=surplus_hubs, realtime=surplus_rt,
        plants_comment=f"\n# RENEWABLE SURPLUS: Gansu and Ningxia wind and solar × {NW_SCALE} (see the header).",
        hubs_comment="\n# RENEWABLE SURPLUS: gansu-qingyang at its 2030 plan (see the header).",
        users_comment=f"\n# RENEWABLE SURPLUS: realtime_share {SURPLUS_RT} everywhere (ESTIMATE; default 0.7 China, 0.6 elsewhere).")
    write(file, retitle(text, file, f"""high western renewables (2030-style build-out in Gansu and Ningxia), batch {policy}.
Question: when the north-west curtails solar and wind, how much of that curtailment does green-aware
batch placement absorb compared with latency-first, and what does it cost in latency and USD per
million tokens? Under latency-first, batch goes to the nearest western hub with a short queue
(mostly Helinger and Gui'an); under green-aware, to the hub whose region curtails most (else the
cheapest). Real-time work goes to the nearest eastern hub under both.
This file and {other} are identical except for the policy.
Differences from the default (china-token-supply-chain.yaml):
  - Gansu and Ningxia wind and solar × {NW_SCALE}: Inner Mongolia's sourced 2025→2030 growth
    (147.6 GW new energy [R8] → >300 GW target [R9]) applied to them (ESTIMATE). Inner Mongolia stays
    at the default: at its 2030 target it would curtail ~20 % of its output (trial run), more than
    any batch placement can absorb, in the region whose hub latency-first already fills.
  - gansu-qingyang at its 2030 plan: 800k racks × 2.5 kW = 2,000 MW IT [S5] → 500 units (derived).
  - realtime_share {SURPLUS_RT} in every user region (ESTIMATE: more batch and agentic work; default 0.6–0.7).
  - Same day (June solstice: the most solar), demand, grid, cables and routes."""))

# ---------------- overseas reference
# The same demand served at hubs with overseas (US) electricity prices, PUE and accelerator cost
# [overseas §1-§3]. Simplification (documented in the file): the Chinese topology, grid and routes are
# kept, only the hubs' economics change, so latency and energy flows stay the default's.
US_EAST_USD_MWH = 89.2     # EIA Electric Power Annual 2023, Virginia industrial 8.92 ¢/kWh [overseas §1]
US_WEST_USD_MWH = 66.0     # EIA Electric Power Annual 2023, Texas industrial 6.60 ¢/kWh [overseas §1]
US_PUE = 1.25              # Epoch energy.py default for non-hyperscalers [overseas §2]; hyperscale 1.10, Uptime average 1.56
H100_USD = 30000           # H100 list ("MSRP") price, range $25k–40k [overseas §3]
SERVER_OVERHEAD = 1.4      # server cost ÷ GPU cost, SemiAnalysis DGX H100 [overseas §3]
ACCELERATORS_PER_UNIT = 3140
US_CAPITAL = int(round(ACCELERATORS_PER_UNIT * H100_USD * SERVER_OVERHEAD / (5 * 8760), -1))   # 5-year amortisation [overseas §3]
overseas_hubs = {}
for h in hubs:
    east_role = h[4] == "east"
    overseas_hubs[h[0]] = dict(pue=US_PUE, usd_mwh=US_EAST_USD_MWH if east_role else US_WEST_USD_MWH, capital=US_CAPITAL,
        note=("US-east analogue: Virginia industrial price" if east_role else "US-west analogue: Texas industrial price") + ", PUE 1.25, H100 capital")
write("overseas-reference.yaml", retitle(build(name="overseas-reference", hubs_over=overseas_hubs, hubs_comment=f"""
# OVERSEAS REFERENCE: every hub carries US economics instead of the Chinese figures above [overseas §1-§3]:
#   electricity_price: real-time (east-role) hubs at the Virginia industrial price 89.2 USD/MWh, batch
#     (west-role) hubs at the Texas industrial price 66.0 USD/MWh (EIA Electric Power Annual 2023; the
#     US industrial average is 80.6, EIA 2023); the east→Virginia / west→Texas mapping is an ESTIMATE;
#   pue: {US_PUE} (Epoch energy.py non-hyperscaler default; hyperscalers 1.10 Google 2023, Uptime 2024
#     industry average 1.56);
#   capital_per_server_hour: {ACCELERATORS_PER_UNIT:,} accelerators × ${H100_USD:,} (H100 list price; range $25k–40k)
#     × {SERVER_OVERHEAD} server overhead (SemiAnalysis DGX H100) ÷ (5 years × 8760 h; Epoch) = ${US_CAPITAL:,.0f} (derived).
#   Throughput and power per unit are the default's (same model and accelerator class)."""),
    "overseas-reference.yaml", """the same demand served at overseas (US) hub economics: the cost reference.
Question: what would the default day cost per million tokens if the hubs paid US electricity
prices, US PUE and US accelerator prices? `gridactors compare` of a run of the default against a
run of this file puts a number on the claim that Chinese inference costs 1/10–1/6 of overseas
[A12][A13][A14b] and on how much of any gap electricity explains (the fact sheet bounds it at
~1.01–1.06× for the US [overseas §5]).
SIMPLIFICATION: the topology (Chinese grid, hub sites, cables, routes, demand) is the default's;
only each hub's electricity_price, pue and capital_per_server_hour change. Routing does not depend
on them under latency-first, so latency and served work equal the default's; energy differs only
through the western hubs' PUE (1.20 → 1.25). Not modelled: rental margins, utilisation, batching
and model-efficiency differences, which the fact sheet names as the likely sources of a larger
gap [overseas §5]; the default's China capital cost ($25k per accelerator) is itself an ESTIMATE."""))


