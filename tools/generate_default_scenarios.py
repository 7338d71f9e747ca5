# Generates scenarios/china-token-supply-chain.yaml (the default: the baseline day), its fault variants,
# the renewable-surplus pair (latency-first vs green-aware batch placement) and the US-centred overseas cost
# reference from the figures in shared/data (sources cited in the generated comments).
# Run: python3 tools/generate_default_scenarios.py [OUTPUT_DIR]   (default: scenarios/)
import math, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serving_catalogue  # noqa: E402  (next to this file)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SHARED = os.path.join(ROOT, "..", "shared", "data")   # shared/data next to the repository (optional: used for cross-checks)

# A cohort stands for about one second of its region's requests at the mean rate (at least one request): hubs publish
# their status every 10 s, so routing cannot tell finer cohorts apart, and a hub serves a cohort's requests one by one on
# its simulated replicas either way. Smaller cohorts only add events (a cohort of one bundle made the default day 11.5 M
# events, one second 5.0 M). Until issue 16 a cohort was whole bundles (at least one), which for the small foreign regions of
# sourced demand (0.008–0.07 bundles/s) would have been 14–130 s of their requests routed as one. Simulation grain, not a
# calibrated figure.
COHORT_NOTE = "about 1 s of requests at the mean rate (simulation grain; see the generator)"


def cohort_size(bundles_per_second, requests_per_bundle):
    return max(1, round(bundles_per_second * requests_per_bundle))

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
# (racks × 2.5 kW [S5]) where sourced. Demand (issue 16, see "User regions"): China 1.4e14 tokens/day
# [A23]; foreign users: what hubs in China serve them, OpenRouter's Chinese-model volume [A22]
# scaled up for other channels (ESTIMATE); shares by region are ESTIMATES [user_regions].
# Energy prices are converted at 7.2 CNY/USD (ESTIMATE).
# Serving (issue 15): the hubs serve on accelerator replicas and the users send request classes; each serving unit above
# becomes the replicas its requests need (see "Serving" before the hubs); the grid's sizing still counts the units.
"""

# ---------------- regions
# Average loads (MW) of the June day, shaped by an ESTIMATE hourly profile (local time; peak factor 1.15).
# Where a provincial peak is sourced [calibration-facts §6], the June day's average is derived from it:
#   average = annual peak × JUNE_PEAK_SHARE ÷ 1.15, JUNE_PEAK_SHARE = 0.90 (ESTIMATE: the June solstice day
#   peaks below the August heat records the sources report). Others stay ESTIMATES (order of magnitude).
load_profile = [0.85,0.82,0.80,0.79,0.80,0.84,0.90,0.97,1.03,1.07,1.09,1.10,1.06,1.05,1.08,1.10,1.11,1.13,1.15,1.14,1.10,1.03,0.95,0.89]
PROFILE_PEAK = max(load_profile)
JUNE_PEAK_SHARE = 0.90   # ESTIMATE
SOURCED_PEAK_GW = {      # annual peak (GW) [calibration-facts §6]
  "jiangsu": (155.0, "[K54] 20 Aug 2025"), "zhejiang": (128.0, "[K55] 8 Aug 2025"), "shanghai": (42.16, "[K56] Aug 2025"),
  "guangdong": (170.0, "[K57][K58] ≥170, 28 May 2025"), "shandong": (116.0, "[K61] winter record Jan 2026; summer not found"),
  "henan": (71.08, "[K63] record Jun 2022"), "sichuan": (65.0, "[K64] Aug 2022 heatwave"),
}
def june_average_mw(rid, estimate):
    if rid in SOURCED_PEAK_GW:
        gw, src = SOURCED_PEAK_GW[rid]
        return round(gw * 1000 * JUNE_PEAK_SHARE / PROFILE_PEAK), f"derived: peak {gw} GW {src} × {JUNE_PEAK_SHARE} ÷ {PROFILE_PEAK}"
    return estimate, "ESTIMATE"
regions = [
 ("xinjiang", 45000), ("gansu", 22000), ("ningxia", 12000), ("qinghai", 10000), ("inner_mongolia", 55000),
 ("sichuan", 45000), ("yunnan", 28000), ("guizhou", 22000),
 ("hebei", 45000), ("shandong", 95000), ("jiangsu", 115000), ("zhejiang", 95000), ("shanghai", 33000), ("anhui", 45000),
 ("henan", 65000), ("hunan", 38000), ("hubei", 42000), ("jiangxi", 28000), ("chongqing", 24000), ("guangdong", 125000),
]
REGION_LOAD = {rid: june_average_mw(rid, mw) for rid, mw in regions}

# ---------------- plants
PLANTS = []
def plant(id, region, typ, gw, lat, lon, cf=None, cost=None, carbon=None, ramp=None, fo=None, note="", must_run=None, min_stable=None,
          ramp_down=None, hydro_mode=None, daily_gwh=None, export_link=None, must_run_by_month=None):
    PLANTS.append(dict(id=id, region=region, typ=typ, gw=gw, lat=lat, lon=lon, cf=cf, cost=cost, carbon=carbon, ramp=ramp, fo=fo, note=note,
                       must_run=must_run, min_stable=min_stable, ramp_down=ramp_down, hydro_mode=hydro_mode, daily_gwh=daily_gwh,
                       export_link=export_link, must_run_by_month=must_run_by_month))

# Thermal flexibility [calibration-facts §1]:
#  - minimum stable output of committed coal units 35 % of rated: NEA 2016 flexibility-pilot target for condensing units
#    30–35 % [K3] (upper end: not every unit is retrofitted; ESTIMATE);
#  - ramp 1.5 %/min of rated up and down (ESTIMATE, no China value found; India's grid code asks 1 %/min, CEA 3–5 %/min [K9]);
#  - must-run: receiving grids keep enough thermal units committed for stability [K70]; sending-end coal supports its DC
#    line [K70]. ESTIMATE shares of a fleet's capacity that stay on line at minimum stable output: receiving end 40 % of
#    units × 35 % = 14 %, sending end 50 % × 35 % ≈ 18 %. CHP heat must-run (30.3 % of thermal capacity [K10], 40–50 % min
#    output in the heating season [K3]) is zero in June: CHP runs as condensing units in summer (ESTIMATE [calibration-facts §1]),
#    so must_run_by_month carries it (Nov–Mar) for runs in other months;
#  - nuclear: must-run baseload at its 2023 fleet average 7,661 h = 87.5 % CF [K12] (no load following data found).
COAL_MIN_STABLE = 0.35            # [K3], see above
COAL_RAMP_SHARE_PER_MIN = 0.015   # ESTIMATE
RECEIVING_MUST_RUN = 0.14         # ESTIMATE, see above
SENDING_MUST_RUN = 0.18           # ESTIMATE, see above
CHP_SHARE = 0.303                 # [K10] share of thermal that is CHP
CHP_WINTER_MIN = 0.45             # [K3] 40–50 %
NORTH_CHP_MONTHS = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]   # heating season Nov 15–Mar 15 North China (ESTIMATE [calibration-facts §1])
NUCLEAR_CF = 0.875                # [K12] derived 7,661 h / 8,760 h

def coal(id, region, gw, lat, lon, cost, carbon, note, sending=False, export_link=None, fo=2, north=False):
    """A coal fleet with the flexibility above; north = heating-season CHP must-run on top in winter months."""
    must = SENDING_MUST_RUN if sending else RECEIVING_MUST_RUN
    by_month = None
    if north:   # winter: CHP share at its winter minimum on top of the stability must-run (multipliers of must_run)
        winter = (must + CHP_SHARE * CHP_WINTER_MIN) / must
        by_month = [round(winter, 3) if m else 1 for m in NORTH_CHP_MONTHS]
    plant(id, region, "coal", gw, lat, lon, cost=cost, carbon=carbon, ramp=round(gw * 1000 * COAL_RAMP_SHARE_PER_MIN), fo=fo, note=note,
          must_run=must, min_stable=COAL_MIN_STABLE, export_link=export_link, must_run_by_month=by_month)

# ---- Dedicated export bases [calibration-facts §7]: each feeds its UHV line's day-ahead schedule, not the provincial pool.
# Base compositions are ESTIMATES unless marked (carved out of the provincial totals below, so nothing counts twice).
JUNE_HYDRO_FACTOR = 1.3   # June output ÷ annual average: June 2024 hydro 143.8 TWh ≈ 200 GW mean [K34] vs ≈150 GW annual mean
                          # (ESTIMATE: 2023 drought year 1,140.9 TWh [K38] + ≈190 TWh drought loss [K137] ≈ 1,330 TWh) → 1.3 (derived/ESTIMATE)
def daily_gwh(annual_twh, share=1.0):   # a reservoir plant's June daily energy from its annual energy
    return round(annual_twh * 1000 / 365 * JUNE_HYDRO_FACTOR * share)
BASES = {  # link: [(kind, GW, note)], region and site of the sending end
 "zhundong_wannan": ("xinjiang", (44.4, 89.5), [("coal", 10.0, "ESTIMATE share of the Zhundong base [U1]"), ("wind", 5.0, "ESTIMATE"), ("solar", 3.0, "ESTIMATE")]),
 "hami_zhengzhou": ("xinjiang", (42.8, 93.5), [("coal", 6.0, "ESTIMATE"), ("wind", 6.0, "ESTIMATE")]),
 "hami_chongqing": ("xinjiang", (43.6, 93.0), [("coal", 4.0, "derived 14.2 − 10.2 GW [U5]"), ("wind", 5.1, "ESTIMATE half of 10.2 GW RE [U5]"), ("solar", 5.1, "ESTIMATE half of 10.2 GW RE [U5]")]),
 "jiuquan_hunan": ("gansu", (39.7, 98.5), [("wind", 8.0, "ESTIMATE share of the Jiuquan wind base [U6]"), ("solar", 3.0, "ESTIMATE"), ("coal", 3.0, "ESTIMATE")]),
 "longdong_shandong": ("gansu", (35.7, 107.6), [("coal", 4.0, "derived 14.5 − 10.5 GW [U10]"), ("wind", 5.0, "ESTIMATE split of 10.5 GW RE [U10]"), ("solar", 5.5, "ESTIMATE split of 10.5 GW RE [U10]")]),
 "qinghai_henan": ("qinghai", (36.0, 100.3), [("solar", 12.0, "ESTIMATE share of Qinghai's 25.60 GW [R13] (first renewable-dedicated line [U7])"), ("wind", 4.0, "ESTIMATE share of 11.85 GW [R13]")]),
 "lingzhou_shaoxing": ("ningxia", (38.1, 106.6), [("coal", 8.0, "ESTIMATE Ningdong coal base [U8]"), ("wind", 2.0, "ESTIMATE (Ningxia exports 28 % green [R12])")]),
 "ningxia_hunan": ("ningxia", (37.5, 105.2), [("solar", 6.0, "ESTIMATE (≥50 % renewable [U9])"), ("wind", 3.0, "ESTIMATE"), ("coal", 4.0, "ESTIMATE")]),
 "ximeng_taizhou": ("inner_mongolia", (43.9, 116.1), [("coal", 6.0, "ESTIMATE Xilingol base"), ("wind", 6.0, "ESTIMATE")]),
 "shanghaimiao_shandong": ("inner_mongolia", (38.0, 107.5), [("coal", 6.0, "ESTIMATE Ordos base"), ("wind", 6.0, "ESTIMATE")]),
 "jarud_qingzhou": ("inner_mongolia", (44.6, 120.9), [("coal", 6.0, "ESTIMATE eastern Inner Mongolia base [U14]"), ("wind", 6.0, "ESTIMATE")]),
 "baihetan_jiangsu": ("sichuan", (27.2, 102.9), [("hydro", 8.0, "half of Baihetan's 16 GW [K30]")]),
 "baihetan_zhejiang": ("sichuan", (27.2, 102.9), [("hydro", 8.0, "half of Baihetan's 16 GW [K30]")]),
 "kunliulong_wudongde": ("yunnan", (26.3, 102.6), [("hydro", 10.2, "Wudongde 10.2 GW [K32]")]),
 "yazhong_jiangxi": ("sichuan", (28.5, 101.5), [("hydro", 8.0, "ESTIMATE Yalong cascade share [U18]")]),
}
BASE_HYDRO_ANNUAL_TWH = {"baihetan_jiangsu": (60.24, 0.5, "[K30] 60.24 TWh/yr, half"), "baihetan_zhejiang": (60.24, 0.5, "[K30] 60.24 TWh/yr, half"),
  "kunliulong_wudongde": (38.91, 1.0, "[K32] 38.91 TWh/yr"), "yazhong_jiangxi": (36.0, 1.0, "ESTIMATE = the line's 36 TWh/yr [U18]")}
BASE_CF = {"wind": 0.22, "solar": 0.19}   # June ESTIMATES for north-western bases (national 2026: wind 24 %, PV 15 % [R6]; NW solar 17–19 % (E) [domain-facts §2])
carved = {}   # (region, kind) -> GW moved into bases
for link, (region, (la, lo), parts) in BASES.items():
    for kind, gw, note in parts:
        carved[(region, kind)] = carved.get((region, kind), 0) + gw
        pid = f"{link}_base_{kind}"
        if kind == "coal":
            coal(pid, region, gw, la, lo, 30, 880, note + f"; dedicated to {link}", sending=True, export_link=link)
        elif kind == "hydro":
            twh, share, src = BASE_HYDRO_ANNUAL_TWH[link]
            plant(pid, region, "hydro", gw, la, lo, round(twh * share * 1000 / 8760 / gw, 3), note=note + f"; CF from {src}; reservoir; dedicated to {link}",
                  hydro_mode="reservoir", daily_gwh=daily_gwh(twh, share), export_link=link)
        else:
            plant(pid, region, kind, gw, la, lo, BASE_CF[kind], note=note + f"; dedicated to {link}; June CF ESTIMATE", export_link=link)
def rest(region, kind, gw):   # provincial total minus what its bases took
    return round(gw - carved.get((region, kind), 0), 2)

# ---- Provincial pools of the west and north (provincial totals as sourced or estimated, less their export bases)
plant("inner_mongolia_wind", "inner_mongolia", "wind", rest("inner_mongolia", "wind", 96.4), 40.8, 111.7, 0.22, note="96.4 GW ESTIMATE split of 147.6 GW new energy [R8][R9] less bases; June CF ESTIMATE")
plant("inner_mongolia_solar", "inner_mongolia", "solar", 51.2, 40.8, 111.7, 0.19, note="ESTIMATE split [R9]")
coal("inner_mongolia_coal", "inner_mongolia", rest("inner_mongolia", "coal", 134.7), 40.8, 111.7, 35, 850, "derived 282.26 − 147.59 GW [R8] less bases", sending=True, north=True)
plant("gansu_wind", "gansu", "wind", rest("gansu", "wind", 27.0), 39.7, 98.5, 0.21, note=">50 GW new energy [R10]; split ESTIMATE; less bases")
plant("gansu_solar", "gansu", "solar", rest("gansu", "solar", 28.0), 39.7, 98.5, 0.19, note="split ESTIMATE [R10]; less bases")
coal("gansu_coal", "gansu", rest("gansu", "coal", 25.0), 36.1, 103.8, 38, 850, "ESTIMATE (89.63 GW total end-2023 [R10]) less bases", sending=True, north=True)
plant("ningxia_wind", "ningxia", "wind", rest("ningxia", "wind", 15.0), 37.5, 105.7, 0.21, note=">36 GW new energy [R11]; split ESTIMATE; less bases")
plant("ningxia_solar", "ningxia", "solar", rest("ningxia", "solar", 21.0), 37.5, 105.7, 0.19, note="split ESTIMATE [R11]; less bases")
coal("ningxia_coal", "ningxia", rest("ningxia", "coal", 30.0), 38.1, 106.4, 36, 850, "ESTIMATE (46 % of total is not new energy [R11]) less bases", sending=True, north=True)
plant("qinghai_solar", "qinghai", "solar", rest("qinghai", "solar", 25.6), 36.3, 100.6, 0.20, note="sourced 25.60 GW [R13] less the Qinghai–Henan base")
plant("qinghai_wind", "qinghai", "wind", rest("qinghai", "wind", 11.85), 36.3, 100.6, 0.21, note="sourced 11.85 GW [R13] less the base")
plant("qinghai_hydro", "qinghai", "hydro", 13.05, 36.0, 101.5, 0.40, note="sourced 13.05 GW [R13]; CF ESTIMATE; Yellow River reservoirs (Longyangxia, ESTIMATE)",
      hydro_mode="reservoir")
coal("qinghai_thermal", "qinghai", 3.97, 36.6, 101.8, 40, 850, "sourced 3.97 GW [R13]", sending=True, north=True)
plant("xinjiang_wind", "xinjiang", "wind", rest("xinjiang", "wind", 60.0), 43.8, 87.6, 0.22, note=">100 GW new energy [R14]; split ESTIMATE (2024 output wind 75.39 vs PV 40.77 TWh [R15]); less bases")
plant("xinjiang_solar", "xinjiang", "solar", rest("xinjiang", "solar", 40.0), 43.8, 87.6, 0.18, note="split ESTIMATE [R14][R15]; less bases")
coal("xinjiang_coal", "xinjiang", rest("xinjiang", "coal", 40.0), 44.0, 87.0, 30, 900, "ESTIMATE (sending-end support) less bases", sending=True, north=True)
plant("sichuan_xiluodu_hydro", "sichuan", "hydro", 13.86, 28.3, 103.6, round(61.62 * 1000 / 8760 / 13.86, 3),
      note="Xiluodu 13.86 GW, 61.62 TWh/yr [K33]; reservoir", hydro_mode="reservoir", daily_gwh=daily_gwh(61.62))
plant("sichuan_hydro_reservoir", "sichuan", "hydro", 18.0, 30.0, 102.5, 0.45, note="ESTIMATE (Sichuan cascades other than the named ones)", hydro_mode="reservoir")
plant("sichuan_hydro_small", "sichuan", "hydro", 30.0, 30.5, 103.0, 0.50, note="ESTIMATE run-of-river small hydro (assumed run-of-river [calibration-facts §3]); June CF ESTIMATE", hydro_mode="run-of-river")
plant("yunnan_hydro_reservoir", "yunnan", "hydro", 30.0, 25.0, 101.0, 0.45, note="ESTIMATE", hydro_mode="reservoir")
plant("yunnan_hydro_small", "yunnan", "hydro", 30.0, 24.5, 100.5, 0.50, note="ESTIMATE run-of-river [calibration-facts §3]", hydro_mode="run-of-river")
plant("guizhou_hydro", "guizhou", "hydro", 35.0, 26.6, 106.7, 0.40, note="100 GW total [R16] × hydro share 0.35 ESTIMATE", hydro_mode="reservoir")
coal("guizhou_coal", "guizhou", 45.0, 26.6, 106.7, 40, 880, "ESTIMATE remainder [R16]", sending=True)
# Nuclear: 57.03 GW in 2023 [K12] → the reference topology's 60 GW placeholder across four coastal provinces (split ESTIMATE);
# must-run baseload at the fleet's 87.5 % CF [K12].
for pid, region, gw, la, lo in [("east_coast_nuclear", "zhejiang", 20.0, 30.4, 120.9), ("guangdong_nuclear", "guangdong", 20.0, 22.6, 114.5),
                                ("shandong_nuclear", "shandong", 10.0, 36.9, 121.5), ("jiangsu_nuclear", "jiangsu", 10.0, 34.7, 119.4)]:
    plant(pid, region, "nuclear", gw, la, lo, NUCLEAR_CF, cost=10, ramp=round(gw * 1000 * 0.01), note="placeholder split of 60 GW (ESTIMATE); CF [K12]", must_run=1.0)


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
 ("gansu_zhejiang", "gansu", "zhejiang", 8, 2370, "sourced [U11]; under construction"),
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


# ---- Day-ahead schedules of the UHV lines [calibration-facts §7]: the sending grid sets the DC plan [K70]. Shape (ESTIMATE
# [calibration-facts §7]): flat near 85 % of the day's maximum overnight, the maximum at the receiving-end evening peak
# (17–22 h), reduced at midday where the receiving end has heavy solar; scaled so that the day's mean is the line's sourced
# annual mean flow (TWh/yr ÷ 8,760 h), or UHV's 2019 average utilisation of 53 % [K67] where no flow is sourced.
SCHEDULE_SHAPE = [0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.9, 0.9, 0.9, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9]
UHV_MEAN_UTILISATION = 0.53   # [K67] 2019
LINK_TWH = {"zhundong_wannan": (66, "[U2]"), "jiuquan_hunan": (40, "[U6]"), "qinghai_henan": (40, "[U7]"), "ningxia_hunan": (36, "[U9] >36"),
            "longdong_shandong": (36, "[U10]"), "baihetan_jiangsu": (30, "[U15] >30"), "baihetan_zhejiang": (30, "[U16] 2 lines ≈ 60"),
            "yazhong_jiangxi": (36, "[U18]"), "jarud_qingzhou": (55, "[U14]"), "guizhou_guangdong": (50, "[R16] Guizhou → Guangdong")}
# Lines under construction in 2025 are not in service on the default (June 2025) day: they are listed in the scenario as a
# comment, not as links (as merit-order lines between a cheap west and a dear east they would run at their rating all day,
# which is a line the grid does not have yet). A user studying the planned grid adds them back.
UNDER_CONSTRUCTION = [l for l in links if "under construction" in l[5]]
links = [l for l in links if "under construction" not in l[5]]
UNSCHEDULED = {"inner_mongolia_hebei"}   # AC ties: merit-order dispatch
def schedule(link, gw):
    if link in UNSCHEDULED: return None, None
    if link in LINK_TWH:
        twh, src = LINK_TWH[link]
        mean, why = twh * 1000 / 8760 / gw, f"mean {twh} TWh/yr {src}"
    else:
        mean, why = UHV_MEAN_UTILISATION, "mean 53 % [K67]"
    m = sum(SCHEDULE_SHAPE) / 24
    return [round(min(1.0, x * mean / m), 3) for x in SCHEDULE_SHAPE], why

# ---- The east: loads, distributed PV, the rest of the national fleet, thermal sized to peak + reserve
coords = {"hebei": (38.0, 114.5), "shandong": (36.6, 117.0), "jiangsu": (32.1, 118.8), "zhejiang": (30.3, 120.2), "shanghai": (31.2, 121.5),
  "anhui": (31.8, 117.2), "henan": (34.75, 113.6), "hunan": (28.2, 112.9), "hubei": (30.6, 114.3), "jiangxi": (28.7, 115.9),
  "chongqing": (29.6, 106.5), "guangdong": (23.1, 113.3), "sichuan": (30.7, 104.1), "yunnan": (25.0, 102.7), "guizhou": (26.6, 106.7),
  "inner_mongolia": (40.8, 111.7), "xinjiang": (43.8, 87.6), "gansu": (36.1, 103.8), "ningxia": (37.5, 105.7), "qinghai": (36.3, 100.6)}
plant("hebei_zhangbei_wind", "hebei", "wind", 25.0, 41.2, 114.7, 0.21, note="ESTIMATE (Zhangjiakou renewable base)")
# Distributed PV [calibration-facts §5]: 508.0 GW distributed of 1,124.9 GW at end-Sep 2025 [K47]. Sourced provinces: Jiangsu
# 61.6 GW [K47], Hebei ≈34.5 GW (derived: 81.52 GW × 42 % [K47]), Shandong 35.7 GW [K50] (low, 2023). The rest (376.2 GW,
# derived) is split by load share over the other eastern and central regions (ESTIMATE: each model region also stands for its
# unmodelled neighbours). June CF 0.15 (ESTIMATE; national PV 1,320 h/yr = 15 % [R6]).
DPV_TOTAL_GW, DPV_SOURCED = 508.0, {"jiangsu": (61.6, "[K47]"), "hebei": (34.5, "derived [K47]"), "shandong": (35.7, "[K50] (low)")}
DPV_REST = ["zhejiang", "shanghai", "anhui", "henan", "hunan", "hubei", "jiangxi", "chongqing", "guangdong", "sichuan"]
rest_load = sum(REGION_LOAD[r][0] for r in DPV_REST)
dpv = {r: (gw, src) for r, (gw, src) in DPV_SOURCED.items()}
for r in DPV_REST:
    dpv[r] = (round((DPV_TOTAL_GW - sum(g for g, _ in DPV_SOURCED.values())) * REGION_LOAD[r][0] / rest_load, 1), "ESTIMATE load-share split of the rest [K47]")
for r, (gw, src) in dpv.items():
    la, lo = coords[r]
    plant(f"{r}_distributed_pv", r, "solar", gw, la, lo, 0.15, note=f"distributed PV {src}; June CF ESTIMATE")
# The rest of the national fleet: 570 GW wind and 1,080 GW solar at end-May 2025 [R3]; centralised PV 616.9 GW at end-Sep 2025
# [K47]. What the bases and pools above do not hold is spread over the regions that stand for the unmodelled provinces
# (ESTIMATE weights: wind to the north and the coasts, solar to the north and centre).
NATIONAL_WIND_GW, CENTRAL_PV_GW = 570.0, 616.9
REST_WIND_W = {"hebei": 0.25, "inner_mongolia": 0.10, "shandong": 0.12, "jiangsu": 0.10, "henan": 0.10, "guangdong": 0.08, "hunan": 0.04,
               "hubei": 0.04, "anhui": 0.04, "yunnan": 0.05, "guizhou": 0.03, "jiangxi": 0.03, "zhejiang": 0.02}
REST_PV_W = {"hebei": 0.10, "henan": 0.12, "shandong": 0.12, "inner_mongolia": 0.05, "xinjiang": 0.08, "gansu": 0.05, "qinghai": 0.03, "ningxia": 0.03,
             "yunnan": 0.08, "guizhou": 0.05, "anhui": 0.06, "jiangsu": 0.05, "hubei": 0.05, "hunan": 0.04, "jiangxi": 0.04, "guangdong": 0.05}
assert abs(sum(REST_WIND_W.values()) - 1) < 1e-9 and abs(sum(REST_PV_W.values()) - 1) < 1e-9
modelled_wind = sum(p["gw"] for p in PLANTS if p["typ"] == "wind")
modelled_central_pv = sum(p["gw"] for p in PLANTS if p["typ"] == "solar" and "distributed" not in p["id"])
for r, share in REST_WIND_W.items():
    la, lo = coords[r]
    plant(f"{r}_wind_rest", r, "wind", round((NATIONAL_WIND_GW - modelled_wind) * share, 1), la + 0.5, lo + 0.5, 0.20,
          note=f"share {share} of the national wind fleet not held elsewhere ({NATIONAL_WIND_GW} GW [R3]; ESTIMATE weight); June CF ESTIMATE")
for r, share in REST_PV_W.items():
    la, lo = coords[r]
    plant(f"{r}_solar_rest", r, "solar", round((CENTRAL_PV_GW - modelled_central_pv) * share, 1), la - 0.5, lo - 0.5, 0.17,
          note=f"share {share} of centralised PV not held elsewhere ({CENTRAL_PV_GW} GW [K47]; ESTIMATE weight); June CF ESTIMATE")

# Shanghai's import capacity of 24 GW [K56] (it had no inbound line, so its hub was throttled): two AC ties from Jiangsu and
# Zhejiang (ESTIMATE split; ~250 km, losses as for the DC lines, ESTIMATE), merit-order dispatch.
links += [("east_china_ac_jiangsu_shanghai", "jiangsu", "shanghai", 12, 250, "ESTIMATE half of Shanghai's 24 GW import capacity [K56]"),
          ("east_china_ac_zhejiang_shanghai", "zhejiang", "shanghai", 12, 250, "ESTIMATE half of Shanghai's 24 GW import capacity [K56]")]
UNSCHEDULED |= {"east_china_ac_jiangsu_shanghai", "east_china_ac_zhejiang_shanghai"}
# Thermal pools of the east: created here, sized by the adequacy pass below (after hubs, whose load counts too).
RESERVE, THERMAL_AVAILABILITY = 0.13, 0.9
THERMAL_SOURCED = {"shanghai": (23.6, "sourced local generation 23.6 GW [K56]"), "jiangsu": (87.4, "derived 78.7 GW peak coal output [K54] ÷ 0.9")}
THERMAL_FLOOR = {"sichuan": (12.0, "ESTIMATE: coal was under 10 % of Sichuan's capacity in 2024 [K8] (≈ 10 % of ≈ 120 GW, E)"),
  "yunnan": (15.0, "ESTIMATE: hydro-dominated like Sichuan [K8]; not sourced")}
EAST_THERMAL = ["hebei", "shandong", "jiangsu", "zhejiang", "shanghai", "anhui", "henan", "hunan", "hubei", "jiangxi", "chongqing", "guangdong", "sichuan", "yunnan"]
EVENING = 19   # local hour of the receiving-end peak (the load profile's peak hours are 17–19 h, no solar)
for r in EAST_THERMAL:
    la, lo = coords[r]
    gw, why = THERMAL_SOURCED.get(r) or THERMAL_FLOOR.get(r) or (0.0, "")
    coal(f"{r}_thermal", r, gw, la, lo, 55, 820, why, fo=1, north=r in ("hebei", "shandong", "henan"))

# ---- Storage [calibration-facts §2]. Pumped hydro 58.69 GW at end-2024 [K27], ≈66.8 GW at end-2025 (derived [K24]); provincial
# split not found: ESTIMATE over the eastern and central grids by load, 6 h of storage (ESTIMATE typical PSH), round trip 79 %
# (US fleet 2019 [K29]). New-type (battery) storage 73.76 GW / 168 GWh at end-2024 [K19]: the five largest provinces as sourced
# [K19] (Inner Mongolia 10.23 GW/24.39 GWh, Xinjiang 8.57/28.71, Shandong 7.17/15.55, Jiangsu 5.62/11.95, Ningxia 4.43/8.82), the
# rest (37.74 GW / 78.58 GWh, derived) by load share over the other regions (ESTIMATE); round trip 85 % (LFP AC-AC 85–88 % (E)
# [calibration-facts §2], US 82 % [K29]). End-2024 figures are kept (end-2025 +84 % [K23] not split by province).
STORAGE = []
PSH_GW, PSH_HOURS, PSH_RTE = 66.8, 6.0, 0.79
PSH_REGIONS = ["zhejiang", "guangdong", "anhui", "hebei", "shandong", "jiangsu", "henan", "hubei", "hunan", "jiangxi", "chongqing", "inner_mongolia"]
psh_load = sum(REGION_LOAD[r][0] for r in PSH_REGIONS)
for r in PSH_REGIONS:
    gw = round(PSH_GW * REGION_LOAD[r][0] / psh_load, 2)
    STORAGE.append((f"{r}_pumped_hydro", r, "pumped-hydro", gw, round(gw * PSH_HOURS, 1), PSH_RTE, "ESTIMATE load-share split of ≈66.8 GW [K24][K27]; 6 h (E); RTE [K29]"))
BESS_SOURCED = {"inner_mongolia": (10.23, 24.39), "xinjiang": (8.57, 28.71), "shandong": (7.17, 15.55), "jiangsu": (5.62, 11.95), "ningxia": (4.43, 8.82)}
BESS_RTE = 0.85
rest_regions = [rid for rid, _ in regions if rid not in BESS_SOURCED]
rest_load_all = sum(REGION_LOAD[r][0] for r in rest_regions)
for rid, _ in regions:
    if rid in BESS_SOURCED:
        gw, gwh = BESS_SOURCED[rid]; note = "sourced end-2024 [K19]"
    else:
        share = REGION_LOAD[rid][0] / rest_load_all
        gw, gwh = round(37.74 * share, 2), round(78.58 * share, 2); note = "ESTIMATE load-share split of the rest of 73.76 GW / 168 GWh [K19]"
    STORAGE.append((f"{rid}_battery", rid, "battery", gw, gwh, BESS_RTE, note + "; RTE (E)"))

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

# ---- Adequacy [calibration-facts §6]: every region's firm supply at the evening peak covers its peak load plus its hubs'
# full power × PUE, plus RESERVE (13 %: the simulator's 12–15 % (E) [calibration-facts §6]; no numeric planning margin was found).
# Firm = provincial-pool thermal × THERMAL_AVAILABILITY (0.9, ESTIMATE: the plants' online share) + nuclear × CF + reservoir hydro
# at capacity + run-of-river × CF + scheduled UHV imports delivered at EVENING + Shanghai's sourced 24 GW import capacity [K56];
# wind, solar, storage and the dedicated export bases count for nothing. Where firm supply falls short:
#  - a provincial thermal pool that is not sourced is raised to close the gap (the note says by how much: ESTIMATE);
#  - where the fleet is sourced (Jiangsu's coal maximum 78.7 GW [K54]) the gap becomes "other supply": imports over
#    inter-provincial ties the model does not hold as lines (Jiangsu imported 37.4 GW at its 2025 peak [K54], of which the modelled
#    UHV schedules carry only part) plus gas and other units. One dispatchable aggregate at 60 USD/MWh (ESTIMATE: above local coal,
#    so local units go first) and 750 kg/MWh (ESTIMATE: the exporting grids' coal-heavy mix), no must-run.
# Not tuned to a calibration target: the rule is the reserve practice above, applied to every region alike.
POOL_THERMAL = {r: f"{r}_thermal" for r in EAST_THERMAL}
POOL_THERMAL.update({"xinjiang": "xinjiang_coal", "gansu": "gansu_coal", "ningxia": "ningxia_coal", "inner_mongolia": "inner_mongolia_coal",
                     "guizhou": "guizhou_coal", "qinghai": "qinghai_thermal"})
SOURCED_POOL = {"shanghai", "jiangsu", "qinghai"}   # fleets whose size is sourced: never raised
FIRM_TIES = {"shanghai": (24.0, "[K56]")}
# The neighbours that feed those ties carry them at the peak: each sender's need gains its share of the importer's gap (the
# importer's need less its own firm supply, at most the tie), so that the same megawatts are not counted twice.
TIE_SENDERS = {"shanghai": ["jiangsu", "zhejiang"]}
def hub_peak_gw(r):
    return sum(servers * 4.0 * pue for _, region, _, _, _, servers, pue, _, _ in hubs if region == r) / 1000
def firm_gw(r):
    total = 0.0
    for p in PLANTS:
        if p["region"] != r or p["export_link"]: continue
        if p["typ"] == "coal": total += p["gw"] * THERMAL_AVAILABILITY
        elif p["typ"] == "nuclear": total += p["gw"] * NUCLEAR_CF
        elif p["typ"] == "hydro": total += p["gw"] if p["hydro_mode"] == "reservoir" else p["gw"] * p["cf"]
    for lid, f, t, lgw, km, _ in links:
        sched, _ = schedule(lid, lgw)
        if t == r and sched: total += lgw * sched[EVENING] * (1 - 0.03 * km / 1000)
    return total + FIRM_TIES.get(r, (0.0, ""))[0]
ADEQUACY = {}
def own_need_gw(r):
    return (REGION_LOAD[r][0] * PROFILE_PEAK / 1000 + hub_peak_gw(r)) * (1 + RESERVE)
TIE_LOAD = {}
for importer, senders in TIE_SENDERS.items():
    tie_gap = min(FIRM_TIES[importer][0], max(0.0, own_need_gw(importer) - (firm_gw(importer) - FIRM_TIES[importer][0])))
    for sender in senders: TIE_LOAD[sender] = TIE_LOAD.get(sender, 0.0) + tie_gap / len(senders)
for rid, _ in regions:
    need = own_need_gw(rid) + TIE_LOAD.get(rid, 0.0)
    gap = need - firm_gw(rid)
    ADEQUACY[rid] = (need, gap)
    ties = f" + {TIE_LOAD[rid]:.1f} GW for Shanghai's ties" if rid in TIE_LOAD else ""
    if gap <= 0.05: continue
    pool = next(p for p in PLANTS if p["id"] == POOL_THERMAL[rid])
    if rid in SOURCED_POOL:
        gw = round(gap, 1)
        plant(f"{rid}_other_supply", rid, "coal", gw, pool["lat"], pool["lon"], cost=60, carbon=750, ramp=round(gw * 1000 * COAL_RAMP_SHARE_PER_MIN), fo=1,
              note=f"ESTIMATE adequacy gap: peak + hubs + {RESERVE:.0%}{ties} = {need:.1f} GW firm needed, {need - gap:.1f} GW modelled; unmodelled ties, gas and other units")
    else:
        add = round(gap / THERMAL_AVAILABILITY, 1)
        before = pool["gw"]
        pool["gw"] = round(before + add, 1)
        pool["ramp"] = round(pool["gw"] * 1000 * COAL_RAMP_SHARE_PER_MIN)
        why = f"{pool['note']}; " if pool["note"] else ""
        pool["note"] = why + f"{'raised by' if before else 'sized:'} {add} GW so firm supply covers peak + hubs + {RESERVE:.0%}{ties} = {need:.1f} GW (ESTIMATE adequacy rule)"

# ---------------- cables (issue 17: landing stations, segments, capacity and background load)
# (id, length km, design capacity Tbps, group, China-side note). Groups are corridors whose members take over each other's
# background traffic when one is cut (network.background_reroute).
# PLCN is not here: only its Taiwan and Philippines segments were licensed, its Hong Kong segment never was [C10], so it
# does not reach China; traffic over it would need a second system from Taiwan (TSE-1 [K108]), and a route crosses one cable.
# SEA-ME-WE 3 is absent from OFCA's Dec-2024 Hong Kong list [C11]: its China landing here is Shantou (site ESTIMATE [C12]).
# The China–Pakistan fibre is a terrestrial segment (below), not a cable: PEACE reaches China through it [C7][C13].
cables = [("sjc2", 10500, 126, "intra-asia", "[C1]"), ("sjc", 8900, 28, "intra-asia", "[C2]"), ("apg", 10400, 54.8, "intra-asia", "[C3]"),
  ("ncp", 13000, 70, "trans-pacific", "[C4]"), ("tpe", 18000, 5.12, "trans-pacific", "[C5]"), ("aae1", 25000, 40, "europe", "[C6]"),
  ("adc", 9988, 160, "intra-asia", "[C8]"), ("aag", 20000, 10, "trans-pacific", "[C10]; length ESTIMATE"),
  ("peace", 21500, 96, "europe", "[C7]; reaches China via Karachi and the China–Pakistan fibre [C13]"),
  ("smw3", 39000, 0.96, "europe", "length ESTIMATE [C12]; capacity [K107]"), ("cmi_myanmar", 1500, 1, None, "[C14]; cross-border terrestrial, capacity ESTIMATE")]
# Background (non-AI) load, ESTIMATE 20 % of design capacity on average: China's international outlet bandwidth was
# 11.51 Tbps in Dec 2020 [K128] against 147.9 Tbps of design capacity of the cables landing in the mainland [K107]
# (7.8 %, provisioned, not used), and used international bandwidth grew ~3× from 2019 to 2023 [K125]; ~2.5× on the 7.8 %
# gives ≈ 20 % in 2025. AI traffic is ≤ 5 % of it (calibration-facts §12: ≥ 95 % background, E) — at the sourced demand
# the AI tokens are a few Gbps per cable, so cables congest only when background traffic is rerouted onto them.
CABLE_BACKGROUND = 0.20
# Repair time of a cut when the fault gives none: ≈ 30 days on average 2013–2019 [K124] (East Asia 2–6 weeks, E); cables
# through the Red Sea (AAE-1, PEACE, SEA-ME-WE 3) 120 days: 3–5 months where permits are needed (Red Sea 2024: Seacom back
# after ≈ 4.5 months [K116][K149]).
RED_SEA = {"aae1", "peace", "smw3"}
def cable_repair(cid): return "120 d" if cid in RED_SEA else "30 d"
# Background profile by UTC hour (mean 1): an ESTIMATE diurnal internet shape in China's local time (UTC+8), evening peak
# 20:00–22:00 local = 12:00–14:00 UTC at 1.4 × the mean (no source for cable-level diurnal traffic was found).
BG_LOCAL = [0.85, 0.7, 0.6, 0.55, 0.5, 0.5, 0.55, 0.65, 0.8, 0.95, 1.05, 1.1, 1.1, 1.05, 1.05, 1.05, 1.05, 1.1, 1.2, 1.3, 1.4, 1.4, 1.3, 1.1]
def background_profile():
    m = sum(BG_LOCAL) / 24
    local = [x / m for x in BG_LOCAL]
    utc = [round(local[(h + 8) % 24], 3) for h in range(24)]
    err = round(24 - sum(utc), 3)
    i = min(range(24), key=lambda j: abs(utc[j] - 1))
    utc[i] = round(utc[i] + err, 3)
    return utc
BG_PROFILE = background_profile()

# Landing stations (China side, and PEACE's Karachi landing) [C11][C12][K106]: (id, lat, lon, note). Positions ESTIMATE.
# The three Tseung Kwan O stations of [C11] are one site here (one landing station: shared power, access and flood risk, ESTIMATE).
STATIONS = [
 ("hk_tseung_kwan_o", 22.29, 114.27, "[C11] 3 CLS; APG [C3]; SJC2 and ADC's Hong Kong landings ESTIMATE here ([C1][C8] name no station)"),
 ("hk_chung_hom_kok", 22.22, 114.20, "[C11]; SJC [C2]"),
 ("hk_cape_daguilar", 22.21, 114.26, "[C11]; AAE-1 [C6]"),
 ("hk_tong_fuk", 22.23, 113.93, "[C11]; AAG [C10]"),
 ("sh_chongming", 31.62, 121.40, "APG [C3], NCP [C4], TPE [C5]"),
 ("sh_nanhui", 30.95, 121.85, "APG [C3], NCP [C4]"),
 ("sh_lingang", 30.87, 121.93, "China Mobile: NCP, SJC2 [K106]"),
 ("qingdao", 36.07, 120.38, "TPE [C5]"),
 ("shantou", 23.35, 116.68, "SJC [C2]; SEA-ME-WE 3 and ADC's Guangdong landing ESTIMATE here [C12][C8]"),
 ("ruili", 24.0, 97.85, "China–Myanmar border crossing of CMI [C14]"),
 ("karachi", 24.85, 66.99, "PEACE's Pakistan landing [C7]"),
]
STATION_REPAIR = "3 d"   # ESTIMATE: restoring a landing station's power and terminal equipment (no source found)
# Terrestrial segments: (id, km, repair, note). Backhaul lengths ESTIMATE (landing site to the city's core, ×1.35 route factor).
SEGMENTS = [
 ("hk_backhaul", 45, "12 h", "Hong Kong landings → Shenzhen (ESTIMATE length); every Hong Kong route"),
 ("shanghai_backhaul", 70, "12 h", "Shanghai landings → Shanghai core (ESTIMATE length); every Shanghai route"),
 ("qingdao_backhaul", 20, "12 h", "ESTIMATE length"),
 ("shantou_backhaul", 480, "12 h", "Shantou → Guangzhou (ESTIMATE length)"),
 ("pk_karachi_rawalpindi", 1550, "2 d", "Pakistan terrestrial link Karachi → Rawalpindi (ESTIMATE length: 1,140 km great circle × 1.35)"),
 ("cn_pk_fiber", 2950, "3 d", "China–Pakistan fibre Rawalpindi → Khunjerab → Urumqi [C13]; repair ESTIMATE (Karakoram)"),
]
# Where a landing's traffic enters the Chinese network (terrestrial latency is measured from there to the hub) and the
# segments after the landing station, in order.
STATION_PATH = {
 "hk_tseung_kwan_o": ("shenzhen", ["hk_backhaul"]), "hk_chung_hom_kok": ("shenzhen", ["hk_backhaul"]),
 "hk_cape_daguilar": ("shenzhen", ["hk_backhaul"]), "hk_tong_fuk": ("shenzhen", ["hk_backhaul"]),
 "sh_chongming": ("shanghai", ["shanghai_backhaul"]), "sh_nanhui": ("shanghai", ["shanghai_backhaul"]), "sh_lingang": ("shanghai", ["shanghai_backhaul"]),
 "qingdao": ("qingdao", ["qingdao_backhaul"]), "shantou": ("guangzhou", ["shantou_backhaul"]),
 "ruili": ("ruili", []), "karachi": ("urumqi", ["pk_karachi_rawalpindi", "cn_pk_fiber"]),
}
# Routing convergence after a fault: ESTIMATE 60 s (BGP re-convergence after a cable fault takes tens of seconds to minutes;
# no source in shared/data).
CONVERGENCE = "60 s"
# Share of a cut cable's background traffic the surviving cables of its corridor take: 70 % (Hengchun 2006: China Telecom
# back at 70 % via rerouting, Hong Kong at 70–80 % [K109]–[K113]; calibration-facts §12).
BACKGROUND_REROUTE = 0.7
# Bytes per token on a cable: 150 B (ESTIMATE [overseas §6]: a streamed token is ≈ 4 bytes of text plus 100–200 bytes of
# SSE/JSON overhead; assumption-heavy).
BYTES_PER_TOKEN = 150
# Queueing: each crossing waits Q·ρ/(1−ρ) (M/M/1), Q = 2 ms (ESTIMATE: queueing at the landing's routers and the cable
# terminal at low load), capped at 200 ms (ESTIMATE: deep router buffers); beyond capacity traffic is dropped.
QUEUEING, MAX_QUEUEING = "2 ms", "200 ms"

# ---------------- demand (issue 16: sourced demand)
# A bundle = 100,000 requests × 1,000 tokens (ESTIMATE grain; requests_per_bundle keeps its tokens for each class mix).
BUNDLE_TOKENS = 100000 * 1000
DAY_S = 86400
# Domestic: China's national daily token calls were >140 T/day in March 2026 (National Data Administration) [A23]; the
# model counts a token as the calls count it, input (cache hits included) + output. Split over the four Chinese user regions
# by reference-topology.yaml's share_domestic (30/35/25/10 %, ESTIMATE: no provincial split of [A23] was found).
DOMESTIC_TOKENS_PER_DAY = 1.4e14   # [A23]
DOMESTIC_SHARE = {"cn_north": 0.30, "cn_east": 0.35, "cn_south": 0.25, "cn_southwest": 0.10}   # [user_regions] ESTIMATE
# Foreign: tokens of foreign users served from hubs in China. The one sourced volume is OpenRouter's: Chinese models served
# 4.69 T tokens in the week of 9–15 March 2026 [A22] = 0.670 T/day. Two ESTIMATE factors turn it into the volume served from
# China to foreign users on every channel:
#  - CHANNEL_SCALE = 4 (ESTIMATE, range 2–10): all the channels through which foreign users call Chinese models (the labs'
#    own APIs, Chinese clouds' international marketplaces, other aggregators, OpenRouter) ÷ OpenRouter. For US models
#    OpenRouter is a small channel: its 3.29 T/week of US-model tokens [A22] (0.47 T/day) are ~1/18 of OpenAI's API alone
#    (8.6 T/day, Oct 2025 [A21]). It over-weights open and Chinese models [A22] (≈ 1/3 open-weight tokens, up to ~30 %
#    Chinese in some weeks [A21]): foreign developers reach Chinese models through aggregators far more than US ones, so
#    the multiple is much smaller than for US models; 4 puts OpenRouter at a quarter of it.
#  - CHINA_SERVED_SHARE = 0.5 (ESTIMATE, range 0.3–0.8): the share of those tokens served from hubs in China. Open-weight
#    Chinese models are also served by third-party hosts abroad (on OpenRouter as on US cloud marketplaces) and the Chinese
#    clouds serve international users partly from overseas regions; only first-party endpoints in China count here.
#    Self-hosted open weights abroad are not in any of these figures and are not served from China either.
# So foreign = 0.670 T/day × 4 × 0.5 = 1.34 T/day (range 0.670 × 2 × 0.3 = 0.40 to 0.670 × 10 × 0.8 = 5.4 T/day), split by
# the reference shares of foreign demand [user_regions, ESTIMATE]. (Before issue 16 the default sent 52 T/day abroad.)
OPENROUTER_CN_TOKENS_PER_WEEK = 4.69e12   # [A22] week of 9–15 March 2026
CHANNEL_SCALE, CHANNEL_SCALE_RANGE = 4.0, (2.0, 10.0)              # ESTIMATE, see above
CHINA_SERVED_SHARE, CHINA_SERVED_RANGE = 0.5, (0.3, 0.8)          # ESTIMATE, see above
OPENROUTER_CN_PER_DAY = OPENROUTER_CN_TOKENS_PER_WEEK / 7
FOREIGN_TOKENS_PER_DAY = OPENROUTER_CN_PER_DAY * CHANNEL_SCALE * CHINA_SERVED_SHARE
FOREIGN_RANGE = (OPENROUTER_CN_PER_DAY * CHANNEL_SCALE_RANGE[0] * CHINA_SERVED_RANGE[0],
                 OPENROUTER_CN_PER_DAY * CHANNEL_SCALE_RANGE[1] * CHINA_SERVED_RANGE[1])
FOREIGN_SHARE = {"north_america": 0.45, "europe": 0.22, "se_asia": 0.12, "ne_asia": 0.08, "south_asia_me": 0.08, "latam_other": 0.05}   # [user_regions] ESTIMATE
assert abs(sum(DOMESTIC_SHARE.values()) - 1) < 1e-9 and abs(sum(FOREIGN_SHARE.values()) - 1) < 1e-9
def bundles_per_second(uid):
    tokens = DOMESTIC_TOKENS_PER_DAY * DOMESTIC_SHARE[uid] if uid in DOMESTIC_SHARE else FOREIGN_TOKENS_PER_DAY * FOREIGN_SHARE[uid]
    return float(f"{tokens / DAY_S / BUNDLE_TOKENS:.4g}")   # 4 significant digits
# Class mix: real-time (interactive) work is 0.6 and batch inference 0.3 of tokens in reference-topology.yaml's workloads
# (ESTIMATE; the other 0.1 is training compute, not tokens), so real-time is 2/3 of the inference tokens, in every user
# region. realtime_share is a share of requests: real-time requests (chat and code [K102]) are longer than batch ones, so
# the request share that carries 2/3 of the tokens is a little less (derived from the classes' mean lengths below).
REALTIME_TOKEN_SHARE = 0.6 / (0.6 + 0.3)   # [workloads] ESTIMATE
def realtime_request_share(token_share=REALTIME_TOKEN_SHARE):
    a = serving_catalogue.mean_tokens(serving_catalogue.mix_of("east"))   # tokens per real-time request
    b = serving_catalogue.mean_tokens(serving_catalogue.mix_of("west"))   # tokens per batch request
    return round(token_share * b / (a * (1 - token_share) + token_share * b), 4)
REALTIME_SHARE = realtime_request_share()
# Diurnal profile (local hour, every user region): the shape of reference-topology.yaml's diurnal_profile_local_hour
# (ESTIMATE; lowest 02:00–05:00, inside DeepSeek's off-peak window 00:30–08:30 Beijing time [D2]; highest late morning and
# mid-afternoon, as US API load peaks ~08:00–14:00 ET [D4]), whose own peak/mean is 1.25, scaled about its mean so that
# peak/mean is DeepSeek's 278/226.75 = 1.23 [A5] and the mean is exactly 1 (3 decimals; the rounding goes to the hour
# it changes least).
DIURNAL_SHAPE = [0.79, 0.71, 0.66, 0.63, 0.63, 0.66, 0.75, 0.89, 1.05, 1.18, 1.24, 1.25, 1.20, 1.22, 1.25, 1.24, 1.20, 1.14, 1.10, 1.12, 1.14, 1.08, 0.99, 0.89]
DIURNAL_PEAK_TO_MEAN = round(278 / 226.75, 2)   # [A5] 1.23
def diurnal_profile(shape=DIURNAL_SHAPE, peak=DIURNAL_PEAK_TO_MEAN):
    m = sum(shape) / len(shape)
    k = (peak - 1) / (max(shape) / m - 1)
    prof = [round(1 + k * (x / m - 1), 3) for x in shape]
    err = round(len(prof) - sum(prof), 3)   # put the rounding remainder on the entry nearest the mean (it changes no extreme)
    i = min(range(len(prof)), key=lambda j: abs(prof[j] - 1))
    prof[i] = round(prof[i] + err, 3)
    assert abs(sum(prof) - len(prof)) < 1e-9 and abs(max(prof) - peak) < 0.0015, (sum(prof), max(prof))
    return prof
DIURNAL = diurnal_profile()
diurnal = "[" + ", ".join(f"{x:g}" for x in DIURNAL) + "]"

# ---------------- users
LAND = {"shanghai": (31.23, 121.47), "qingdao": (36.07, 120.38), "shenzhen": (22.54, 114.06), "guangzhou": (23.13, 113.26),
        "urumqi": (43.8, 87.6), "ruili": (24.0, 97.85)}
def routes_dom(city):
    rs = []
    for h in hubpos:
        rs.append(f"{{hub: {h}, terrestrial: {ms(city, hubpos[h])} ms}}")
    return rs
def routes_intl(spec):
    rs = []
    for cable, km, station, hubs_ in spec:
        city, segs = STATION_PATH[station]
        via = "[" + ", ".join([station] + segs) + "]"
        for h in hubs_:
            rs.append(f"{{hub: {h}, cable: {cable}, cable_km: {km} km, via: {via}, terrestrial: {ms(LAND[city], hubpos[h])} ms}}")
    return rs
east = ["bth-zhangjiakou", "yrd-demo-zone", "yrd-wuhu", "gba-shaoguan", "chengyu-tianfu", "chengyu-chongqing"]
users = [
 ("cn_north", 8, bundles_per_second("cn_north"), REALTIME_SHARE, (39.9, 116.4), None, "Beijing; 30 % of China's tokens"),
 ("cn_east", 8, bundles_per_second("cn_east"), REALTIME_SHARE, (31.2, 121.5), None, "Shanghai; 35 %"),
 ("cn_south", 8, bundles_per_second("cn_south"), REALTIME_SHARE, (22.5, 114.05), None, "Shenzhen/HK; 25 %"),
 ("cn_southwest", 8, bundles_per_second("cn_southwest"), REALTIME_SHARE, (30.66, 104.07), None, "Chengdu; 10 %"),
 ("north_america", -6, bundles_per_second("north_america"), REALTIME_SHARE, None, [("ncp", 10500, "sh_chongming", ["yrd-demo-zone", "bth-zhangjiakou", "ningxia-zhongwei", "inner-mongolia-helinger"]),
      ("tpe", 10500, "qingdao", ["yrd-demo-zone", "bth-zhangjiakou", "inner-mongolia-helinger"]),
      ("aag", 13500, "hk_tong_fuk", ["gba-shaoguan", "guizhou-guian"])], "45 % of the foreign tokens; PLCN does not reach China (see cables)"),
 ("europe", 1, bundles_per_second("europe"), REALTIME_SHARE, None, [("aae1", 14000, "hk_cape_daguilar", ["gba-shaoguan", "guizhou-guian", "yrd-demo-zone"]),
      ("peace", 15000, "karachi", ["ningxia-zhongwei", "gansu-qingyang", "chengyu-tianfu"]),
      ("smw3", 15000, "shantou", ["gba-shaoguan", "guizhou-guian"])], "22 % of the foreign tokens; PEACE via Karachi and the China–Pakistan fibre"),
 ("se_asia", 8, bundles_per_second("se_asia"), REALTIME_SHARE, None, [("sjc2", 2900, "hk_tseung_kwan_o", ["gba-shaoguan", "guizhou-guian", "yrd-demo-zone"]),
      ("adc", 2900, "hk_tseung_kwan_o", ["gba-shaoguan", "guizhou-guian"]), ("apg", 3800, "sh_nanhui", ["yrd-demo-zone", "ningxia-zhongwei"]),
      ("sjc", 2900, "hk_chung_hom_kok", ["gba-shaoguan"]), ("cmi_myanmar", 2500, "ruili", ["chengyu-tianfu", "guizhou-guian"])], "12 %"),
 ("ne_asia", 9, bundles_per_second("ne_asia"), REALTIME_SHARE, None, [("apg", 2000, "sh_chongming", ["yrd-demo-zone", "bth-zhangjiakou", "ningxia-zhongwei"]),
      ("ncp", 2100, "sh_nanhui", ["yrd-demo-zone", "inner-mongolia-helinger"]), ("sjc2", 2500, "sh_lingang", ["yrd-demo-zone"]),
      ("tpe", 900, "sh_chongming", ["bth-zhangjiakou", "yrd-demo-zone"])], "8 %; TPE from Keoje lands at Chongming (and Qingdao) [C5]"),
 ("south_asia_me", 4.5, bundles_per_second("south_asia_me"), REALTIME_SHARE, None, [("peace", 2000, "karachi", ["ningxia-zhongwei", "gansu-qingyang", "chengyu-tianfu"]),
      ("aae1", 6000, "hk_cape_daguilar", ["gba-shaoguan", "guizhou-guian"]), ("smw3", 6500, "shantou", ["gba-shaoguan"])], "8 %; PEACE from the Arabian Sea to Karachi (cable_km ESTIMATE), then by land"),
 ("latam_other", -3, bundles_per_second("latam_other"), REALTIME_SHARE, None, [("ncp", 17500, "sh_chongming", ["yrd-demo-zone", "inner-mongolia-helinger"]),
      ("aag", 20500, "hk_tong_fuk", ["gba-shaoguan", "guizhou-guian"])], "5 %; via North America (cable_km includes ~7,000 km to the US, ESTIMATE)"),
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

# ---------------- calibration targets (issue 14): every run evaluates them; `gridactors calibrate` exits 5 when one misses
def calibration_section(hubs_east):
    out = ["""
# Calibration targets: model vs the sourced band, evaluated by every run (summary.json `calibration`, the report) and by
# `gridactors calibrate` (exit 5 when one misses). Bands and sources as in issue 14; the demand targets at the end (issue 16)
# are explained in the generator ("Demand targets").
calibration:
  - {id: unserved, metric: unserved_share, high: 0.0001, source: "ESTIMATE: no rationing on the 2025 record peak days [K51]; target < 0.01 % of demand"}
  - {id: curtailment-national, metric: curtailment_share, low: 0.03, high: 0.10, source: "[R4][K39] H1 2025: wind 5.7 %, solar 6.6 %"}
  - {id: curtailment-qinghai-solar, metric: curtailment_share, region: qinghai, plant_type: solar, low: 0.08, source: "[R4][K39] Qinghai solar 15.2 % H1 2025"}"""]
    for lid, f, t, gw, km, note in links:
        if lid in LINK_TWH:
            twh, src = LINK_TWH[lid]
            mean = twh * 1e6 / 8760
            out.append(f"  - {{id: flow-{lid}, metric: link_mean_flow_mw, link: {lid}, low: {round(mean * 0.65)}, high: {round(mean * 1.35)}, source: \"{src} {twh} TWh/yr ÷ 8,760 h ± 35 %\"}}")
    for lid, f, t, gw, km, note in links:
        out.append(f"  - {{id: not-pinned-{lid}, metric: link_hours_at_capacity, link: {lid}, high: 20, source: \"ESTIMATE: no source says the line runs at its rating; UHV averaged 53 % [K67]\"}}")
    for h in hubs_east:
        out.append(f"  - {{id: unthrottled-{h}, metric: hub_throttled_hours, hub: {h}, high: 0, source: \"ESTIMATE: eastern hubs are not rationed on a normal day\"}}")
    out.append(demand_targets())
    return "\n".join(out)

# Demand targets (issue 16): the volumes the users send must come back as tokens served, and the serving load must keep the
# diurnal swing it was given. Bands:
#  - domestic: 140 T/day [A23] − 5 % (the model's own shortfall: requests still queued or in flight at the end of the day)
#    to + 20 % (">140 T" is a floor, and the volume grew from 100 T/day at end-2025 to >140 T in March 2026 [A23], so the
#    June day may be higher);
#  - foreign: the ESTIMATE range of the scale-up above ("demand"), 0.40–5.4 T/day;
#  - serving peak/mean: DeepSeek's 278/226.75 = 1.23 [A5] ± 0.07. [A5] is a node count of one provider on one day (nodes
#    carry headroom and lag load), the model's is tokens served by every hub per clock hour, mostly Chinese users in one
#    time zone; ± 0.07 (about a third of the 0.23 swing) allows for the difference.
DOMESTIC_BAND = (DOMESTIC_TOKENS_PER_DAY * 0.95, DOMESTIC_TOKENS_PER_DAY * 1.20)
PEAK_TO_MEAN_BAND = (DIURNAL_PEAK_TO_MEAN - 0.07, DIURNAL_PEAK_TO_MEAN + 0.07)
def demand_targets():
    (dlo, dhi), (flo, fhi), (plo, phi) = DOMESTIC_BAND, FOREIGN_RANGE, PEAK_TO_MEAN_BAND
    def e(x, digits): return f"{x:.{digits}g}".replace("e+", "e")
    return "\n".join([
        f"  - {{id: tokens-domestic, metric: tokens_per_day, users: domestic, low: {e(dlo, 3)}, high: {e(dhi, 3)}, source: \"[A23] China >140 T tokens/day, March 2026; -5 % (requests still queued at the end) to +20 % (a floor, growing fast)\"}}",
        f"  - {{id: tokens-foreign, metric: tokens_per_day, users: foreign, low: {e(flo, 2)}, high: {e(fhi, 2)}, source: \"ESTIMATE: OpenRouter's Chinese-model volume 4.69 T/week [A22] x 2-10 for other channels x 0.3-0.8 served from China (central {FOREIGN_TOKENS_PER_DAY / 1e12:.2f} T/day; see the users' comment)\"}}",
        f"  - {{id: serving-peak-to-mean, metric: serving_peak_to_mean, low: {plo:.2f}, high: {phi:.2f}, source: \"[A5] DeepSeek peak/mean nodes 278/226.75 = 1.23, ± 0.07 (nodes of one provider vs tokens of all hubs)\"}}",
    ])

# ---------------- the scenario text
BATCH_LATENCY_FIRST = "{policy: latency-first}"


def build(name="china-token-supply-chain", header=DEFAULT_HEADER, policy="latency-first", plants_over=None,
          plants_comment="", hubs_over=None, hubs_comment="", realtime=None, users_comment="", batch=BATCH_LATENCY_FIRST, time_extra="", top_extra="", horizon="24 h"):
    """The default scenario, or a variant of it: plants_over = {plant id: (GW, note)};
    hubs_over = {hub id: dict(servers=, pue=, usd_mwh=, capital=, note=)}; realtime = {user id: share}."""
    plants_over, hubs_over, realtime = plants_over or {}, hubs_over or {}, realtime or {}
    out = []
    w = out.append
    w(header.replace("Routing: latency-first.", f"Routing: {policy}.") + f"""name: {name}
time:
  start: 2026-06-21
  horizon: {horizon}
  dispatch_interval: 5 min
  seed: 1{time_extra}
policy: {policy}{top_extra}
# Batch work is held by the batch scheduler to its deadline (24 h from creation, ESTIMATE: overnight batch APIs
# promise completion within a day) and released by its policy; held work is released 2 h before its deadline
# whatever the signals (ESTIMATE: a day's queue at a western hub drains well within that).
batch: {batch}
network:
  fiber_us_per_km: 4.9            # sourced [C16]
  usd_per_million_tokens: 0.001   # ESTIMATE upper bound [overseas §6: negligible]
  bytes_per_token: {BYTES_PER_TOKEN}             # ESTIMATE [overseas §6]: ≈ 4 B of text + 100–200 B of SSE/JSON per streamed token
  convergence: {CONVERGENCE}               # ESTIMATE: BGP re-convergence after a cable fault (tens of seconds to minutes)
  background_reroute: {BACKGROUND_REROUTE}         # Hengchun 2006: traffic back at ~70 % via rerouting [K109]-[K113]
  background_profile: [{", ".join(f"{x:g}" for x in BG_PROFILE)}]   # ESTIMATE by UTC hour: China's evening peak 12-14 UTC at 1.4 × mean
  queueing_delay: {QUEUEING}             # ESTIMATE: M/M/1 term Q, a crossing waits Q·ρ/(1−ρ)
  max_queueing_delay: {MAX_QUEUEING}       # ESTIMATE: deep router buffers; beyond capacity traffic is dropped (congestion)
""")
    w("\n# Grid regions (provinces). Background loads are ESTIMATES (average provincial load, MW) shaped by an\n# ESTIMATE hourly profile (local time).\nregions:")
    prof = "[" + ", ".join(str(x) for x in load_profile) + "]"
    for rid, _ in regions:
        load, why = REGION_LOAD[rid]
        w(f"  - {{id: {rid}, background_load: {load} MW, load_profile: {prof}}}   # {why}")

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
        if p["must_run"]: parts.append(f"must_run: {round(p['must_run'] * 100, 1)} %")
        if p["must_run_by_month"]: parts.append("must_run_by_month: [" + ", ".join(str(x) for x in p["must_run_by_month"]) + "]")
        if p["min_stable"]: parts.append(f"min_stable: {round(p['min_stable'] * 100, 1)} %")
        if p["hydro_mode"]: parts.append(f"hydro_mode: {p['hydro_mode']}")
        if p["daily_gwh"]: parts.append(f"daily_energy: {p['daily_gwh']} GWh")
        if p["export_link"]: parts.append(f"export_link: {p['export_link']}")
        w(f"  - {{{', '.join(parts)}}}" + (f"   # {note}" if note else ""))

    w("""
# UHV DC links west→east [U1]-[U22]; capacities and lengths as in reference-topology.yaml (status there).
# Losses 3 %/1000 km [U20] (UHVDC range 1.5–3 % [U21]).
links:""")
    for id, f, t, gw, km, note in links:
        sched, why = schedule(id, gw)
        extra = "" if sched is None else ", deviation: 10 %, schedule: [" + ", ".join(str(x) for x in sched) + "]"
        w(f"  - {{id: {id}, from: {f}, to: {t}, capacity: {gw} GW, length: {km} km, loss_per_1000km: 3 %{extra}}}   # {note}" + ("" if why is None else f"; schedule: {why}, shape ESTIMATE"))
    if UNDER_CONSTRUCTION:
        w("  # Under construction, not in service on this June 2025 day (add them back to study the planned grid):")
        for id, f, t, gw, km, note in UNDER_CONSTRUCTION:
            w(f"  # - {{id: {id}, from: {f}, to: {t}, capacity: {gw} GW, length: {km} km, loss_per_1000km: 3 %}}   # {note}")
    w("""
# Storage [calibration-facts §2]: pumped hydro and batteries (see the generator for the splits; end-2024 battery fleet [K19]).
storage:""")
    for sid, region, typ, gw, gwh, rte, note in STORAGE:
        la, lo = coords[region]
        w(f"  - {{id: {sid}, region: {region}, type: {typ}, power: {gw} GW, energy: {gwh} GWh, efficiency: {round(rte * 100)} %, initial_soc: 50 %, lat: {la}, lon: {lo}}}   # {note}")
    w("""
# Weather [calibration-facts §8]: correlation lengths ESTIMATE (hourly wind e-folding ≈ 400 km, solar clear-sky ≈ 150 km);
# neighbouring provinces' hourly wind correlation 0.5–0.7 (E).
weather:
  wind_correlation_length: 400 km
  solar_correlation_length: 150 km""")

    w("\n" + serving_catalogue.accelerators_yaml().rstrip())
    w(serving_catalogue.default_serving_note())
    w("""
# The 10 clusters of the 8 national hubs [S2][S20]. role east = real-time, west = batch [S20].
# Serving units (the grid's adequacy sizing still counts each as 4 MW IT at full load, see the header) become replicas
# (Serving above); PUE targets [S3][S4][S21]; prices CNY/kWh → USD/MWh at 7.2 (sourced where marked in
# reference-topology.yaml, else ESTIMATE); capital: the replicas' accelerator rental (catalogue).""" + hubs_comment + "\nhubs:")
    for id, region, lat, lon, role, servers, pue, cny, note in hubs:
        usd, capital = round(cny * 1000 / 7.2, 1), 2500
        if id in hubs_over:
            o = hubs_over[id]
            servers, pue, usd, capital = o.get("servers", servers), o.get("pue", pue), o.get("usd_mwh", usd), o.get("capital", capital)
            note = o["note"] + " (default: " + note + ")"
        acc = serving_catalogue.SERVING_BY_ROLE[role]
        replicas = round(servers * serving_catalogue.replicas_per_unit(role))
        w(f"  - {{id: {id}, region: {region}, role: {role}, lat: {lat}, lon: {lon}, accelerator: {acc}, replicas: {replicas}, simulated_replicas: 1,")
        w(f"     pue: {pue}, electricity_price: {usd}}}   # {servers} serving units (see Serving above); {note}")

    w("""
# Subsea and cross-border cables [C1]-[C14]; lengths and design capacities sourced unless marked. Background: {CABLE_BACKGROUND:.0%} of
# design capacity on average (ESTIMATE: China's outlet bandwidth 11.51 Tbps [K128] ÷ 147.9 Tbps mainland design capacity [K107]
# = 7.8 % in 2020, × 2.5 growth [K125]); group: the corridor that takes over a cut member's background traffic; repair: a
# cut's duration when the fault gives none (≈ 30 days [K124]; Red Sea cables 120 days [K116][K149]).
# PLCN is left out: only its Taiwan and Philippines segments were licensed, not Hong Kong [C10], so it does not reach China.
cables:""")
    for id, km, tbps, group, note in cables:
        g = f", group: {group}" if group else ""
        w(f"  - {{id: {id}, length: {km} km, capacity: {tbps} Tbps, background: {round(CABLE_BACKGROUND * 100)} %{g}, repair: {cable_repair(id)}}}   # {note}")
    w(f"""
# Landing stations routes pass through [C11][C12][K106] (positions ESTIMATE); a failure cuts every route through one.
# Repair when the fault gives no duration: {STATION_REPAIR} (ESTIMATE).
landing_stations:""")
    for sid, la, lo, note in STATIONS:
        w(f"  - {{id: {sid}, lat: {la}, lon: {lo}, repair: {STATION_REPAIR}}}   # {note}")
    w("""
# Terrestrial segments routes pass through after their landing (their length adds to the route's delay); a cut cuts every
# route through one. Repair times ESTIMATE.
segments:""")
    for gid, km, rep, note in SEGMENTS:
        w(f"  - {{id: {gid}, length: {km} km, repair: {rep}}}   # {note}")

    w(f"""
# User regions [user_regions, ESTIMATE shares]. A bundle = 100,000 requests × 1,000 tokens (ESTIMATE);
# bundles_per_second = tokens per day ÷ 86,400 s ÷ 1e8 tokens per bundle (4 significant digits).
# Domestic: China's national daily token calls >140 T/day, March 2026 [A23] = 1.4e14 tokens/day
#   = {DOMESTIC_TOKENS_PER_DAY / DAY_S / BUNDLE_TOKENS:.2f} bundles/s, split 30/35/25/10 % (ESTIMATE [user_regions]).
# Foreign (served from hubs in China): Chinese models on OpenRouter 4.69 T tokens in the week of 9–15 March 2026
#   [A22] = {OPENROUTER_CN_PER_DAY / 1e12:.3f} T/day, × {CHANNEL_SCALE:g} for the other channels (the labs' own APIs, Chinese clouds'
#   international marketplaces, other aggregators; ESTIMATE, range {CHANNEL_SCALE_RANGE[0]:g}–{CHANNEL_SCALE_RANGE[1]:g}: OpenRouter's US-model tokens are ~1/18
#   of OpenAI's API alone [A21][A22], and it over-weights Chinese and open models [A22], so their multiple is far
#   smaller) × {CHINA_SERVED_SHARE:g} served from China (ESTIMATE, range {CHINA_SERVED_RANGE[0]:g}–{CHINA_SERVED_RANGE[1]:g}: third-party hosts and clouds abroad serve the
#   open weights too; self-hosting abroad is not served from China) = {FOREIGN_TOKENS_PER_DAY / 1e12:.2f} T/day (range {FOREIGN_RANGE[0] / 1e12:.2f}–{FOREIGN_RANGE[1] / 1e12:.1f})
#   = {FOREIGN_TOKENS_PER_DAY / DAY_S / BUNDLE_TOKENS:.4f} bundles/s, split by the reference shares 45/22/12/8/8/5 % (ESTIMATE [user_regions]).
#   Reasoning in full in tools/generate_default_scenarios.py ("demand").
#   The hubs keep their sourced sizes (not resized to this demand): at 141 T tokens/day instead of the 192 T before
#   issue 16 they serve fewer tokens on the same replicas, so energy and cost per token are higher.
# Diurnal profile (local hour): reference-topology.yaml's shape (ESTIMATE; trough inside DeepSeek's off-peak window
#   00:30–08:30 [D2]) scaled to mean 1 and peak/mean {DIURNAL_PEAK_TO_MEAN} = DeepSeek's 278/226.75 nodes [A5] (D).
# Class mix: real-time 0.6 and batch 0.3 of tokens [workloads, ESTIMATE] → 2/3 of tokens real-time everywhere, i.e.
#   realtime_share {REALTIME_SHARE} of requests (real-time requests are longer; derived from the classes' mean lengths).
# SLO: TTFT p95 500 ms for interactive work [D7c].
# Latencies: terrestrial = great-circle km × 1.35 [C16] × 4.9 µs/km + 0.5 ms equipment (ESTIMATE);
# cable_km = distance along the cable between the users' landing and the Chinese landing (ESTIMATE); via = the landing
# station and the segments after it; terrestrial = from where the landing's backhaul ends (Shenzhen, Shanghai, Qingdao,
# Guangzhou, Urumqi, Ruili) to the hub.
# lat/lon = the users' centre for the report's map: a representative city [user_regions] (ESTIMATE
# representative points; not used by the simulation).{users_comment}
users:""")
    for id, utc, rate, rt, city, intl, note in users:
        la, lo, place = USER_CENTRES[id]
        w(f"  - id: {id}   # {note}")
        w(f"    lat: {la}   # {place} (ESTIMATE)")
        w(f"    lon: {lo}")
        w(f"    utc_offset: {utc}")
        share = realtime.get(id, rt)
        tokens = share * serving_catalogue.mean_tokens(serving_catalogue.mix_of("east")) + (1 - share) * serving_catalogue.mean_tokens(serving_catalogue.mix_of("west"))
        w(f"    bundles_per_second: {rate}")
        w(f"    requests_per_bundle: {round(100000 * 1000 / tokens)}   # 100,000 × 1,000 tokens ÷ {tokens:,.0f} tokens per request of the mix below")
        w(f"    cohort: {cohort_size(rate, round(100000 * 1000 / tokens))}   # {COHORT_NOTE}")
        w(f"    realtime_share: {share}")
        w(f"    slo_ttft: 500 ms")
        w(f"    diurnal: {diurnal}")
        w(serving_catalogue.classes_yaml(share))
        rs = routes_dom(city) if city else routes_intl(intl)
        w("    routes:")
        for r in rs: w(f"      - {r}")
    w(calibration_section(hubs_east=[h[0] for h in hubs if h[4] == "east"]))
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
"""  - {kind: cable-cut, target: sjc2, start: 12 h}     # 20:00 Beijing time; lasts the cable's repair time (30 d [K124]): the rest of the day
  - {kind: cable-cut, target: apg, start: 12 h 30 min}
  - {kind: demand-spike, target: all, start: 11 h, duration: 4 h, multiplier: 1.5, ramp: 30 min}   # ESTIMATE
""".replace("12 h 30 min", "12.5 h"))

variant("trans-pacific-double-cut.yaml", "trans-pacific-double-cut",
"""NCP and TPE, the two trans-Pacific systems landing in the mainland, cut before China's evening peak.
Question: when both fail at 19:00 Beijing time (11:00 UTC), can the surviving trans-Pacific cable into China (AAG, via
Hong Kong, < 10 Tbps [C10]) take 70 % of their background traffic [K109]-[K113] at the evening peak (12–14 UTC, 1.4 × the
mean, ESTIMATE), and what does North America's AI traffic lose to added latency and congestion drops?""",
"""  - {kind: cable-cut, target: ncp, start: 11 h}      # lasts the repair time (30 d [K124]): the rest of the day
  - {kind: cable-cut, target: tpe, start: 11 h 10 min}
""".replace("11 h 10 min", "11.17 h"))

variant("pakistan-link-cut.yaml", "pakistan-link-cut",
"""The China–Pakistan fibre (Rawalpindi–Khunjerab–Urumqi [C13]) is cut at 06:00 UTC.
Question: PEACE reaches China only over this fibre [C7][C13]: every PEACE route of Europe and South Asia/Middle East
is cut with it, whatever the state of the PEACE cable itself. Where does their traffic go, at what latency?""",
"""  - {kind: segment-cut, target: cn_pk_fiber, start: 6 h}   # lasts the segment's repair time (3 d, ESTIMATE): the rest of the day
""")

# ---------------- foreign hosting (issue 17): hosts outside China serve part of the foreign users' tokens.
# The default's foreign demand is the part served FROM China (× CHINA_SERVED_SHARE 0.5, ESTIMATE); here the foreign users
# send all of it (× 1/0.5) and overseas hosts near them can take it: Ashburn, Virginia (North America and Latin America)
# and Frankfurt (Europe), each sized to serve half of its users' peak demand at the catalogue's 70 % utilisation target
# (ESTIMATE: the other half is what the default sends to China). They run DeepSeek-V3/R1 on H800-class replicas (the
# catalogue's h800, rental $2/GPU-h [A5]; US H100 1-yr reserved $2.35 [overseas §3]). Electricity: Virginia industrial
# 8.92 ¢/kWh [overseas §1, EIA 2023], Germany industrial 21.6 ¢/kWh [overseas §1, Eurostat H2 2024 × 1.08 FX (E)]; PUE 1.10
# (hyperscale, Google 2023 [overseas §2]) and 1.25 (Epoch non-hyperscale default [overseas §2]). Each sits in an overseas
# grid region of its own with one gas aggregate behind it (1 GW, ESTIMATE: the local grid, never short here).
OVERSEAS = [  # (hub, region, lat, lon, users, usd/MWh, pue, note)
 ("us-ashburn", "us_virginia", 39.04, -77.49, ["north_america", "latam_other"], 89.2, 1.10, "Ashburn VA; EIA VA industrial 2023; Google PUE 1.10"),
 ("eu-frankfurt", "de_hesse", 50.11, 8.68, ["europe"], 216.0, 1.25, "Frankfurt; Eurostat DE industrial H2 2024 (E FX); Epoch PUE 1.25"),
]
def foreign_hosting():
    text = base.replace("name: china-token-supply-chain", "name: foreign-hosting", 1)
    text = retitle(text, "foreign-hosting.yaml", """Foreign users served by hosts outside China too: Ashburn (Virginia) and Frankfurt.
Question: with all of the foreign users' Chinese-model tokens (not only the half served from China, ESTIMATE) and
overseas hosts sized for half of their peak, which share of the foreign tokens still crosses into China (summary.json
network.foreignTokensIntoChinaShare), and what do the cables carry? Latency-first sends real-time work to the nearest
host with a short queue (overseas first), batch to the nearest western hub (in China).""")
    lines = text.split("\n")
    out, user = [], None
    demand_scale = 1 / CHINA_SERVED_SHARE
    for line in lines:
        if line.startswith("  - id: "):
            user = line.split()[2]
        if user in FOREIGN_SHARE and line.startswith("    bundles_per_second: "):
            line = f"    bundles_per_second: {float(line.split()[1]) * demand_scale:.4g}   # × {demand_scale:g}: all of its Chinese-model tokens (ESTIMATE, see the header)"
        out.append(line)
        if line == "regions:":
            for hub, region, la, lo, users_, usd, pue, note in OVERSEAS:
                out.append(f"  - {{id: {region}, background_load: 0 MW, utc_offset: {-5 if region == 'us_virginia' else 1}}}   # overseas grid region of {hub} (its load is the hub's)")
        if line == "plants:":
            for hub, region, la, lo, users_, usd, pue, note in OVERSEAS:
                out.append(f"  - {{id: {region}_grid, region: {region}, type: gas, capacity: 1 GW, lat: {la}, lon: {lo}, marginal_cost: 60, carbon: 400}}   # ESTIMATE: the local grid behind the host")
        if line == "hubs:":
            for hub, region, la, lo, users_, usd, pue, note in OVERSEAS:
                share = sum(FOREIGN_SHARE[u] for u in users_)
                tokens_per_s = FOREIGN_TOKENS_PER_DAY * demand_scale * share / DAY_S * DIURNAL_PEAK_TO_MEAN * 0.5
                replicas = max(1, round(serving_catalogue.replicas_per_unit("east", tokens_per_s, "h800")))
                out.append(f"  - {{id: {hub}, region: {region}, role: east, location: overseas, lat: {la}, lon: {lo}, accelerator: h800, replicas: {replicas}, simulated_replicas: 1,")
                out.append(f"     pue: {pue}, electricity_price: {usd}}}   # half of {'+'.join(users_)}'s peak ({tokens_per_s / 1e6:.2f} M tokens/s) at 70 % load; {note}")
        if user in FOREIGN_SHARE and line == "    routes:":
            la, lo, _ = USER_CENTRES[user]
            for hub, region, hla, hlo, users_, usd, pue, note in OVERSEAS:
                if user in users_:
                    why = "users' centre → host, great circle (ESTIMATE" + ("; crosses the sea, not modelled as a cable)" if user == "latam_other" else ")")
                    out.append(f"      - {{hub: {hub}, terrestrial: {ms((la, lo), (hla, hlo))} ms}}   # {why}")
    write("foreign-hosting.yaml", "\n".join(out))
foreign_hosting()

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
# grows to half of all bundles (realtime_share 0.5, ESTIMATE; the default's carries 2/3 of the tokens in real time).
NW_SCALE = round(300.0 / (96.4 + 51.2), 2)   # 2.03
SURPLUS_RT = 0.5
surplus_plants = {p["id"]: (round(p["gw"] * NW_SCALE, 1), f"× {NW_SCALE} 2030-style build-out (ESTIMATE, factor from [R8][R9])")
                  for p in PLANTS if p["region"] in ("gansu", "ningxia") and p["typ"] in ("wind", "solar")}
surplus_hubs = {"gansu-qingyang": dict(servers=500, note="2030 plan 800k racks × 2.5 kW = 2,000 MW IT [S5] → 500 units (derived)")}
surplus_rt = {u[0]: SURPLUS_RT for u in users}
SURPLUS_MEMBERS = {
    # member: (routing policy, batch section, what it does)
    "latency-first": ("latency-first", "{policy: latency-first}",
                      "batch released on arrival to the nearest western hub with a short queue"),
    "space-only": ("green-aware", "{policy: green-aware, shift: space}",
                   "batch released on arrival to the hub whose region curtails most (else the cheapest): shifted in space only"),
    "time-only": ("latency-first", "{policy: green-aware, shift: time}",
                  "batch held until the hub it would go to anyway can take it from renewable output its region would curtail: shifted in time only"),
    "green-aware": ("green-aware", "{policy: green-aware, shift: time+space}",
                    "batch held and released to any hub whose region would curtail renewable output: shifted in time and space"),
    "price-aware": ("cost-first", "{policy: price-aware, shift: time+space}",
                    "batch held and released to hubs whose locational price is among the past day's cheapest quarter"),
}
for member, (policy, batch, does) in SURPLUS_MEMBERS.items():
    file = f"renewable-surplus-{member}.yaml"
    others = ", ".join(f"renewable-surplus-{m}.yaml" for m in SURPLUS_MEMBERS if m != member)
    text = build(name=f"renewable-surplus-{member}", policy=policy, plants_over=surplus_plants, hubs_over=surplus_hubs, realtime=surplus_rt, batch=batch,
        horizon="48 h", time_extra="\n  demand_until: 24 h   # one day of demand, then a day in which the work in hand drains: every member serves the same work",
        top_extra="\nhub_pricing: locational   # hubs pay their region's price of the interval (0 when it would curtail): what makes shifting pay",
        plants_comment=f"\n# RENEWABLE SURPLUS: Gansu and Ningxia wind and solar × {NW_SCALE} (see the header).",
        hubs_comment="\n# RENEWABLE SURPLUS: gansu-qingyang at its 2030 plan (see the header).",
        users_comment=f"\n# RENEWABLE SURPLUS: realtime_share {SURPLUS_RT} everywhere (ESTIMATE; default {REALTIME_SHARE}).")
    write(file, retitle(text, file, f"""high western renewables (2030-style build-out in Gansu and Ningxia), batch {member}.
Question: when the north-west curtails solar and wind, how much of that curtailment does batch work
shifted in time, in space or in both absorb compared with latency-first, and what does it cost in
latency, USD and gCO2 per token? This member: {does}.
Real-time work goes to the nearest eastern hub in every member. Two days: the first with demand, the second
draining the work in hand (time-shifted work waits up to 22 h), so every member serves the same work and
cost and carbon per token compare like for like; hubs pay locational prices.
The members ({others}) are identical except for the routing policy and the batch section.
Differences from the default (china-token-supply-chain.yaml):
  - Gansu and Ningxia wind and solar × {NW_SCALE}: Inner Mongolia's sourced 2025→2030 growth
    (147.6 GW new energy [R8] → >300 GW target [R9]) applied to them (ESTIMATE). Inner Mongolia stays
    at the default: at its 2030 target it would curtail ~20 % of its output (trial run), more than
    any batch placement can absorb, in the region whose hub latency-first already fills.
  - gansu-qingyang at its 2030 plan: 800k racks × 2.5 kW = 2,000 MW IT [S5] → 500 units (derived).
  - realtime_share {SURPLUS_RT} in every user region (ESTIMATE: more batch and agentic work; default {REALTIME_SHARE}).
  - Same day (June solstice: the most solar), demand, grid, cables and routes."""))

# ---------------- overseas reference: a US-centred topology of its own
# US hubs on US grids serving US and European users, with the default's serving units, fleet size and demand volume, so
# that `gridactors compare` of the two days measures geography and economics, not scale. Figures cite the overseas fact
# sheet at the end of shared/data/domain-facts.md ("overseas §n") or the facts files' tags; everything else is an
# ESTIMATE with its reasoning next to it. shared/data holds no US load, generation-fleet or hourly-profile data: the grid
# numbers below are order-of-magnitude ESTIMATES from general knowledge (not from a source in shared/data), and every
# region is an island (US regions are not joined by UHV links; PJM, ERCOT and the Northwest are separate systems).
US_PUE = 1.25              # Epoch energy.py default for non-hyperscalers [overseas §2]; hyperscale 1.10 (Google 2023), Uptime 2024 average 1.56
H100_USD = 30000           # H100 list ("MSRP") price, range $25k–40k [overseas §3]
SERVER_OVERHEAD = 1.4      # server cost ÷ GPU cost, SemiAnalysis DGX H100 [overseas §3]
ACCELERATORS_PER_UNIT = 3140   # the default's serving unit (its header: 4 M tokens/s ÷ ~1,275 tokens/s per accelerator)
US_CAPITAL = int(round(ACCELERATORS_PER_UNIT * H100_USD * SERVER_OVERHEAD / (5 * 8760), -1))   # 5-year amortisation [overseas §3]
US_PEAK_FACTOR, US_RESERVE = PROFILE_PEAK, RESERVE          # the default's load shape (peak 1.15) and adequacy reserve (13 %)
US_GAS_MIN_STABLE, US_GAS_RAMP = 0.40, 0.03   # ESTIMATE: combined-cycle units ~40 % minimum load, ~3 %/min of rated (no source in shared/data)
US_COAL_MIN_STABLE, US_COAL_RAMP = 0.40, 0.015   # ESTIMATE: older US coal units (the default's China figures [K3] are not US data)

# Regions: id, UTC offset in June (daylight time), average June load (MW, ESTIMATE), centre (lat, lon), what it stands for.
US_REGIONS = [
 ("virginia", -4, 12000, (37.5, -77.5), "Dominion zone of PJM. ESTIMATE: ≈ 100 TWh/yr ≈ 11–12 GW mean, data centres included"),
 ("texas", -5, 55000, (31.0, -97.5), "ERCOT. ESTIMATE: ≈ 450 TWh/yr ≈ 51 GW mean, June above the mean"),
 ("oregon", -7, 6000, (45.5, -122.7), "Oregon, the Pacific Northwest's share that hosts the hub. ESTIMATE: ≈ 50 TWh/yr ≈ 6 GW mean"),
]
US_LOAD = {r[0]: r[2] for r in US_REGIONS}
# Generation aggregates: (id, region, type, GW, lat, lon, extra fields, note). Capacities are ESTIMATES of the 2024–25
# fleets (order of magnitude; no US fleet data in shared/data); gas is sized by the adequacy rule below.
US_PLANTS = [
 ("va_nuclear", "virginia", "nuclear", 3.6, 37.2, -77.2, dict(cost=10, carbon=0, ramp_share=0.01, must_run=1.0), "ESTIMATE: North Anna + Surry ≈ 3.6 GW; baseload must-run as in the default"),
 ("va_coal", "virginia", "coal", 1.5, 37.0, -79.0, dict(cost=32, carbon=1000, ramp_share=US_COAL_RAMP, min_stable=US_COAL_MIN_STABLE), "ESTIMATE: the zone's remaining coal"),
 ("va_gas", "virginia", "gas", 10.0, 37.8, -77.6, dict(cost=35, carbon=400, ramp_share=US_GAS_RAMP, min_stable=US_GAS_MIN_STABLE), "ESTIMATE: the zone's combined-cycle fleet; ~35 USD/MWh, 400 kg/MWh (CCGT, ESTIMATE)"),
 ("va_solar", "virginia", "solar", 5.0, 37.0, -78.0, dict(cf=0.22), "ESTIMATE: utility-scale PV in the zone; June CF ESTIMATE"),
 ("tx_nuclear", "texas", "nuclear", 5.0, 31.0, -96.5, dict(cost=10, carbon=0, ramp_share=0.01, must_run=1.0), "ESTIMATE: Comanche Peak + South Texas ≈ 5 GW; baseload must-run"),
 ("tx_coal", "texas", "coal", 13.0, 31.5, -96.0, dict(cost=30, carbon=1000, ramp_share=US_COAL_RAMP, min_stable=US_COAL_MIN_STABLE), "ESTIMATE: ERCOT coal ≈ 13 GW"),
 ("tx_gas", "texas", "gas", 50.0, 30.5, -96.5, dict(cost=33, carbon=400, ramp_share=US_GAS_RAMP, min_stable=US_GAS_MIN_STABLE), "ESTIMATE: ERCOT gas ≈ 50 GW"),
 ("tx_wind", "texas", "wind", 40.0, 32.5, -100.5, dict(cf=0.33), "ESTIMATE: ERCOT wind ≈ 40 GW (West Texas); June CF ESTIMATE"),
 ("tx_solar", "texas", "solar", 25.0, 31.5, -102.0, dict(cf=0.26), "ESTIMATE: ERCOT utility PV ≈ 25 GW (West Texas); June CF ESTIMATE"),
 ("or_hydro_columbia", "oregon", "hydro", 6.0, 45.6, -120.5, dict(cf=0.6, hydro_mode="run-of-river"), "ESTIMATE: Oregon's share of the Columbia main-stem dams, run-of-river; June (freshet) CF ESTIMATE"),
 ("or_hydro_reservoir", "oregon", "hydro", 2.0, 44.5, -122.2, dict(cf=0.4, hydro_mode="reservoir"), "ESTIMATE: Cascade/Willamette storage projects; CF ESTIMATE"),
 ("or_wind", "oregon", "wind", 4.0, 45.7, -120.2, dict(cf=0.33), "ESTIMATE: Columbia Gorge wind ≈ 4 GW; June CF ESTIMATE"),
 ("or_solar", "oregon", "solar", 1.5, 44.0, -120.5, dict(cf=0.26), "ESTIMATE: eastern Oregon PV; June CF ESTIMATE"),
 ("or_gas", "oregon", "gas", 3.5, 45.8, -119.6, dict(cost=36, carbon=400, ramp_share=US_GAS_RAMP, min_stable=US_GAS_MIN_STABLE), "ESTIMATE: Oregon gas ≈ 3.5 GW"),
]
# Storage: (id, region, type, GW, GWh, round trip, note); round trips are the US fleet's 2019 figures [K29].
US_STORAGE = [
 ("va_pumped_hydro", "virginia", "pumped-hydro", 3.0, 24.0, 0.79, "ESTIMATE: Bath County ≈ 3 GW × 8 h; RTE US fleet 2019 79 % [K29]"),
 ("va_battery", "virginia", "battery", 1.0, 4.0, 0.82, "ESTIMATE 1 GW / 4 h; RTE US fleet 2019 82 % [K29]"),
 ("tx_battery", "texas", "battery", 8.0, 12.0, 0.82, "ESTIMATE: ERCOT batteries ≈ 8 GW, ~1.5 h; RTE 82 % [K29]"),
]
# Hubs: (id, region, lat, lon, role, serving units, electricity USD/MWh, note). The fleet mirrors the default's: 870
# real-time ("east" role) and 465 batch ("west" role) units, 1,335 in all (the default's 6 eastern clusters hold 870 and
# its 4 western 465), so both days serve the same work on the same number of units. The split between sites is an
# ESTIMATE: most real-time capacity in Northern Virginia (the largest US data-centre market, ESTIMATE), the rest on the
# West Coast for western users; batch in Texas, the cheapest of the three prices (the analogue of China's western hubs).
US_HUBS = [
 ("us-va-ashburn", "virginia", 39.04, -77.49, "east", 650, 89.2, "EIA Electric Power Annual 2023, Virginia industrial 8.92 ¢/kWh [overseas §1]; 650 units ESTIMATE"),
 ("us-or-the-dalles", "oregon", 45.6, -121.18, "east", 220, 75.2, "EIA Electric Power Annual 2023, Oregon industrial 7.52 ¢/kWh [overseas §1]; 220 units ESTIMATE"),
 ("us-tx-dallas", "texas", 32.9, -97.0, "west", 465, 66.0, "EIA Electric Power Annual 2023, Texas industrial 6.60 ¢/kWh [overseas §1]; 465 units = the default's batch fleet"),
]
assert sum(h[5] for h in US_HUBS if h[4] == "east") == sum(h[5] for h in hubs if h[4] == "east")
assert sum(h[5] for h in US_HUBS if h[4] == "west") == sum(h[5] for h in hubs if h[4] == "west")

# Adequacy: the default's rule [calibration-facts §6] applied to each island — firm supply at the evening peak covers the
# peak load (average × 1.15) plus the hubs' full power × PUE, plus 13 %. Firm = thermal × 0.9 + nuclear × 0.92 (the
# model's availabilities) + reservoir hydro at capacity + run-of-river × CF; wind, solar and storage count for nothing.
# A short region's gas fleet is raised to close the gap: for Virginia this stands for imports from the rest of PJM as
# much as for local gas (the island has no ties).
US_GAS_NOTE = {}
def us_firm_gw(r):
    total = 0.0
    for pid, region, typ, gw, _, _, x, _ in US_PLANTS:
        if region != r: continue
        if typ in ("coal", "gas"): total += gw * THERMAL_AVAILABILITY
        elif typ == "nuclear": total += gw * 0.92
        elif typ == "hydro": total += gw if x.get("hydro_mode") == "reservoir" else gw * x["cf"]
    return total
for rid, _, load, _, _ in US_REGIONS:
    hubs_gw = sum(n * 4.0 * US_PUE for _, region, _, _, _, n, _, _ in US_HUBS if region == rid) / 1000
    need = (load * US_PEAK_FACTOR / 1000 + hubs_gw) * (1 + US_RESERVE)
    gap = need - us_firm_gw(rid)
    if gap > 0.05:
        i = next(k for k, p in enumerate(US_PLANTS) if p[1] == rid and p[2] == "gas")
        pid, region, typ, gw, la, lo, x, note = US_PLANTS[i]
        add = round(gap / THERMAL_AVAILABILITY, 1)
        extra = "; includes imports from the rest of PJM (the island has no ties)" if rid == "virginia" else ""
        US_PLANTS[i] = (pid, region, typ, round(gw + add, 1), la, lo, x,
                        note + f"; raised by {add} GW so firm supply covers peak + hubs + {US_RESERVE:.0%} = {need:.1f} GW (ESTIMATE adequacy rule){extra}")

# Users: the default's total volume (its ten regions' bundles per second) split between the US and Europe by the
# default's reference shares of foreign demand (north_america 45 %, europe 22 % [user_regions, ESTIMATE]), and within
# the US 3:1 between east (Eastern + Central time zones) and west (Mountain + Pacific) (ESTIMATE: roughly where the
# population lives). Same bundle size, tokens, prefill share, SLO and diurnal shape as the default.
US_TOTAL_BUNDLES = round(sum(u[2] for u in users), 2)
US_CHINA_BUNDLES = sum(u[2] for u in users if u[0] in DOMESTIC_SHARE)
US_REALTIME = REALTIME_SHARE   # the default's share [workloads, ESTIMATE]
NA_SHARE = 45 / (45 + 22)
US_USERS = [  # id, utc offset (June), bundles/s, centre (lat, lon, place), note
 ("us_east", -4, round(US_TOTAL_BUNDLES * NA_SHARE * 0.75, 2), (40.7, -74.0, "New York"), "Eastern + Central time zones: 3/4 of North America (ESTIMATE)"),
 ("us_west", -7, round(US_TOTAL_BUNDLES * NA_SHARE * 0.25, 2), (37.8, -122.4, "San Francisco"), "Mountain + Pacific: 1/4 of North America (ESTIMATE)"),
 ("europe", 2, round(US_TOTAL_BUNDLES * (1 - NA_SHARE), 2), (50.1, 8.7, "Frankfurt"), "22/67 of the foreign demand (ESTIMATE, as above); CEST"),
]
# Transatlantic cables: no cable system or length is sourced in shared/data. Two generic paths between ESTIMATE landing
# areas; length = great circle between the landings (ESTIMATE), the schema's route factor 1.35 [C16] on top. Check:
# London → Virginia Beach by cable and on to California overland gives a round trip of ≈ 134 ms, against ~130 ms
# measured London–California [C19]. Capacities are not sourced: the schema's default applies (reported only).
US_LANDINGS = {"virginia_beach": (36.85, -75.98), "new_jersey": (40.1, -74.0), "bilbao": (43.26, -2.93), "cornwall": (50.83, -4.55)}
US_CABLES = [("transatlantic_south", "virginia_beach", "bilbao"), ("transatlantic_north", "new_jersey", "cornwall")]

OVERSEAS_HEADER = f"""# overseas-reference.yaml — the overseas cost reference: a US-centred token supply chain of its own.
#
# Question: what does the default day's volume of inference cost per million tokens when it is served
# from US hubs on US grids, at US electricity prices, PUE and accelerator prices? `gridactors compare`
# of a run of the default (china-token-supply-chain.yaml) against a run of this file puts a number on
# the claim that Chinese inference costs 1/10–1/6 of overseas [A12][A13][A14b] and on how much of any
# gap electricity explains (the fact sheet bounds it at ~1.01–1.06× for the US [overseas §5]).
#
# What it covers: three US grid regions, each an island (US regions are not joined by UHV; PJM, ERCOT
# and the Pacific Northwest are separate systems, and the model holds no ties between them): Virginia
# (PJM Dominion zone: nuclear, coal, gas, solar, pumped hydro), Texas (ERCOT: wind, solar, gas, coal,
# nuclear, batteries) and Oregon (Pacific Northwest: Columbia hydro, wind, solar, gas). Three hubs:
# Ashburn VA and The Dalles OR serve real-time work, Dallas TX batch. Users in the US east, US west
# and Europe (over two transatlantic cables). 24 simulated hours from 2026-06-21 00:00 UTC. Seed 1.
# Routing: latency-first.
#
# Sources: "overseas §n" refers to the "Overseas vs China inference-cost fact sheet" at the end of
# shared/data/domain-facts.md; [Xn] tags to shared/data/domain-facts.md and calibration-facts.md.
# shared/data holds no US load, generation-fleet or load-profile data: grid figures are ESTIMATES
# (order of magnitude, reasoning next to each) — calibrate before publishing grid results. The cost
# figures (electricity prices, PUE, accelerator capital) are sourced.
#
# Comparable to the default by construction (ESTIMATE choices, documented): the same serving unit
# (4 M tokens/s, 1.2 MW idle, 4 MW full IT power; ~{ACCELERATORS_PER_UNIT:,} accelerators, see the default's header), the
# same fleet (870 real-time + 465 batch units), the same total demand ({US_TOTAL_BUNDLES} bundles of 100,000
# requests × 1,000 tokens per second), diurnal shape and SLO. Not modelled: rental margins,
# utilisation, batching and model-efficiency differences, which the fact sheet names as the likely
# sources of a larger gap [overseas §5]; the default's China capital cost ($25k per accelerator) is
# itself an ESTIMATE.
"""

def build_overseas():
    out = []
    w = out.append
    w(OVERSEAS_HEADER + """name: overseas-reference
time:
  start: 2026-06-21
  horizon: 24 h
  dispatch_interval: 5 min
  seed: 1
policy: latency-first
network:
  fiber_us_per_km: 4.9            # sourced [C16]
  usd_per_million_tokens: 0.001   # ESTIMATE upper bound [overseas §6: negligible]

# Weather: the default's correlation lengths (ESTIMATES for China [calibration-facts §8]; no US value in shared/data).
weather:
  wind_correlation_length: 400 km
  solar_correlation_length: 150 km
""")
    prof = "[" + ", ".join(str(x) for x in load_profile) + "]"
    w("# Grid regions. Background loads are June averages (MW, ESTIMATE, see each), shaped by the default's ESTIMATE hourly\n"
      "# profile (local time, peak 1.15; no US hourly profile in shared/data).\nregions:")
    for rid, utc, load, _, note in US_REGIONS:
        w(f"  - {{id: {rid}, background_load: {load} MW, load_profile: {prof}, utc_offset: {utc}}}   # {note}")
    w("""
# No links: each region is an island (see the header). US regions are not joined by UHV lines.
links: []

# Generation aggregates (ESTIMATE capacities, see each). Marginal costs (USD/MWh) and carbon (kg/MWh) are ESTIMATES
# that only order the dispatch: the hubs pay their sourced electricity_price. Thermal flexibility: gas 40 % minimum
# stable output and 3 %/min ramps, coal 40 % and 1.5 %/min (ESTIMATES, no US source in shared/data); nuclear is
# baseload must-run as in the default.
plants:""")
    for pid, region, typ, gw, la, lo, x, note in US_PLANTS:
        parts = [f"id: {pid}", f"region: {region}", f"type: {typ}", f"capacity: {gw} GW", f"lat: {la}", f"lon: {lo}"]
        if "cf" in x: parts.append(f"capacity_factor: {x['cf']}")
        if "cost" in x: parts.append(f"marginal_cost: {x['cost']}")
        if "carbon" in x: parts.append(f"carbon: {x['carbon']}")
        if "ramp_share" in x: parts.append(f"ramp_per_minute: {round(gw * 1000 * x['ramp_share'])} MW")
        if typ in ("coal", "gas", "nuclear"): parts.append("forced_outages_per_year: 1")
        if x.get("must_run"): parts.append(f"must_run: {round(x['must_run'] * 100, 1)} %")
        if x.get("min_stable"): parts.append(f"min_stable: {round(x['min_stable'] * 100, 1)} %")
        if x.get("hydro_mode") == "reservoir": parts.append("hydro_mode: reservoir")
        w(f"  - {{{', '.join(parts)}}}   # {note}")
    w("""
# Storage (ESTIMATE sizes; round-trip efficiencies of the US fleet 2019 [K29]).
storage:""")
    for sid, region, typ, gw, gwh, rte, note in US_STORAGE:
        la, lo = next(r[3] for r in US_REGIONS if r[0] == region)
        w(f"  - {{id: {sid}, region: {region}, type: {typ}, power: {gw} GW, energy: {gwh} GWh, efficiency: {round(rte * 100)} %, initial_soc: 50 %, lat: {la}, lon: {lo}}}   # {note}")
    w(f"""
{serving_catalogue.accelerators_yaml(overrides=serving_catalogue.US_OVERRIDES).rstrip()}
# Serving: as the default (tools/serving_catalogue.py), on H100 replicas at every hub (ESTIMATE: the US fleet's inference
#   workhorse), each of the default's serving units = {serving_catalogue.replicas_per_unit("east", acc_id="h100"):.1f} replicas east / {serving_catalogue.replicas_per_unit("west", acc_id="h100"):.1f} west at {serving_catalogue.UTILISATION_TARGET:.0%} of their capacity; request classes as the default.
# Hubs. role east = real-time, west = batch (as in the default). Units = the default's serving units (see the header).
# electricity_price: the state's EIA 2023 industrial average (no data-centre tariff in ¢/kWh was found [overseas §1]; the
#   US industrial average is 80.6 USD/MWh, EIA 2023; hyperscaler PPAs "5–7 ¢/kWh" is an unsourced claim [overseas §1]).
# pue: {US_PUE}, Epoch's default for non-hyperscalers [overseas §2] (hyperscale 1.10 Google 2023 / 1.09 Meta; Uptime 2024
#   industry average 1.56). The default's hubs use 1.25 east / 1.20 west.
# capital: the replicas' accelerator rental (catalogue above: H100 at capital only, $30k x 1.4 / 5 years [overseas §3]).
# Sites (ESTIMATE coordinates): Ashburn (Northern Virginia), The Dalles (Columbia Gorge), Dallas–Fort Worth.
hubs:""")
    for hid, region, la, lo, role, n, usd, note in US_HUBS:
        replicas = round(n * serving_catalogue.replicas_per_unit(role, acc_id=serving_catalogue.US_ACCELERATOR))
        w(f"  - {{id: {hid}, region: {region}, role: {role}, lat: {la}, lon: {lo}, accelerator: {serving_catalogue.US_ACCELERATOR}, replicas: {replicas}, simulated_replicas: 1,")
        w(f"     pue: {US_PUE}, electricity_price: {usd}}}   # {n} serving units; {note}")
    w("""
# Transatlantic cables (ESTIMATE: generic paths, no system named or sourced; see the generator). Length = great circle
# between the landing areas; capacity not sourced (schema default).
cables:""")
    for cid, a, b in US_CABLES:
        km = round(gc(US_LANDINGS[a], US_LANDINGS[b]))
        w(f"  - {{id: {cid}, length: {km} km}}   # {a.replace('_', ' ').title()} ↔ {b.title()} landings (ESTIMATE), great circle")
    w(f"""
# User regions. A bundle = 100,000 requests × 1,000 tokens (the default's ESTIMATE). Total {US_TOTAL_BUNDLES} bundles/s = the
# default's ten regions together (China {US_CHINA_BUNDLES:.2f} + foreign {US_TOTAL_BUNDLES - US_CHINA_BUNDLES:.2f}: the default's sourced demand, {(DOMESTIC_TOKENS_PER_DAY + FOREIGN_TOKENS_PER_DAY) / 1e12:.0f} T tokens/day),
# split 45:22 North America : Europe (the default's reference shares of foreign demand [user_regions, ESTIMATE]) and 3:1
# US east : west (ESTIMATE). realtime_share {US_REALTIME} (the default's: 2/3 of tokens real-time [workloads, ESTIMATE]).
# Diurnal profile: the default's (peak/mean {DIURNAL_PEAK_TO_MEAN} [A5]; US API load peaks ~08:00–14:00 ET [D4]). SLO: TTFT p95 500 ms
# for interactive work [D7c].
# Latencies: terrestrial = great-circle km × 1.35 [C16] × 4.9 µs/km + 0.5 ms equipment (ESTIMATE), from the users'
# centre to the hub, or for Europe from the centre to the European landing plus from the US landing to the hub.
# lat/lon = the users' centre for the report's map (ESTIMATE representative city; not used by the simulation).
users:""")
    hubs_at = {h[0]: (h[2], h[3]) for h in US_HUBS}
    for uid, utc, rate, (la, lo, place), note in US_USERS:
        w(f"  - id: {uid}   # {note}")
        w(f"    lat: {la}   # {place} (ESTIMATE)")
        w(f"    lon: {lo}")
        w(f"    utc_offset: {utc}")
        tokens = US_REALTIME * serving_catalogue.mean_tokens(serving_catalogue.mix_of("east")) + (1 - US_REALTIME) * serving_catalogue.mean_tokens(serving_catalogue.mix_of("west"))
        w(f"    bundles_per_second: {rate}")
        w(f"    requests_per_bundle: {round(100000 * 1000 / tokens)}   # 100,000 × 1,000 tokens ÷ {tokens:,.0f} tokens per request of the mix below")
        w(f"    cohort: {cohort_size(rate, round(100000 * 1000 / tokens))}   # {COHORT_NOTE}")
        w(f"    realtime_share: {US_REALTIME}")
        w(f"    slo_ttft: 500 ms")
        w(f"    diurnal: {diurnal}")
        w(serving_catalogue.classes_yaml(US_REALTIME))
        w("    routes:")
        if uid == "europe":
            for cid, us_land, eu_land in US_CABLES:
                for hid, pos in hubs_at.items():
                    t = round(ms((la, lo), US_LANDINGS[eu_land]) + ms(US_LANDINGS[us_land], pos), 1)
                    w(f"      - {{hub: {hid}, cable: {cid}, terrestrial: {t} ms}}")
        else:
            for hid, pos in hubs_at.items():
                w(f"      - {{hub: {hid}, terrestrial: {ms((la, lo), pos)} ms}}")
    w("""
# Calibration targets. shared/data holds no sourced band for a US grid quantity the model measures (curtailment, flows,
# unserved energy), so these are ESTIMATE health checks, not calibration: no rationing on a normal June day, and no hub
# short of power. The sourced inputs (EIA prices, PUE, capital) are inputs, not outputs, so they need no target.
calibration:
  - {id: unserved, metric: unserved_share, high: 0.0001, source: "ESTIMATE: islands sized by the adequacy rule (peak + hubs + 13 %); no US rationing data in shared/data; target < 0.01 % of demand"}""")
    for hid, *_ in US_HUBS:
        w(f"  - {{id: unthrottled-{hid}, metric: hub_throttled_hours, hub: {hid}, high: 0, source: \"ESTIMATE: hubs are not rationed on a normal day\"}}")
    w("\nfaults: []")
    return "\n".join(out) + "\n"

write("overseas-reference.yaml", build_overseas())

# ---------------- DeepSeek-on-H800 reference (serving model calibration; tools/serving_catalogue.py)
write("deepseek-h800-reference.yaml", serving_catalogue.deepseek_reference_yaml())
