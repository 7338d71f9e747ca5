using System.Globalization;
using System.Text;

namespace GridActors.Reports;

/// <summary>The topology as an SVG map: an equirectangular projection (x scaled by the cosine of the middle latitude)
/// fitted to every placed element. Plants are circles sized by capacity and coloured by type, hubs squares, regions
/// dots, UHV links lines between regions, subsea cables curves from each user region to the hubs it reaches through
/// them. Users without a place sit in a labelled row under the map. Targets of faults that began in the run are drawn
/// red and dashed with a ✕, and listed in the legend.</summary>
internal static class MapSvg
{
    private const double MapW = 640, LegendX = 660, TotalW = 920, Margin = 24;
    private const string Failed = "#d62728", Spike = "#e67e22";

    private sealed record Pt(double X, double Y);

    public static string Build(Topology topo, IReadOnlyList<FaultSpan> faults)
    {
        var failed = faults.Select(f => (Kind: f.Kind.ToLowerInvariant(), f.Target)).ToHashSet();
        bool IsFailed(string kind, string id) => failed.Contains((kind, id));
        var spikeAll = failed.Contains(("demand-spike", "all"));

        // Region places: given, else the mean of their plants and hubs.
        var regionPlace = new Dictionary<string, (double Lat, double Lon)>(StringComparer.Ordinal);
        foreach (var r in topo.Regions)
        {
            if (r.Lat is double la && r.Lon is double lo) regionPlace[r.Id] = (la, lo);
            else
            {
                var pts = topo.Plants.Where(p => p.Region == r.Id && p.Lat is not null && p.Lon is not null).Select(p => (p.Lat!.Value, p.Lon!.Value))
                    .Concat(topo.Hubs.Where(h => h.Region == r.Id && h.Lat is not null && h.Lon is not null).Select(h => (h.Lat!.Value, h.Lon!.Value))).ToList();
                if (pts.Count > 0) regionPlace[r.Id] = (pts.Average(p => p.Item1), pts.Average(p => p.Item2));
            }
        }
        var all = topo.Plants.Where(p => p.Lat is not null && p.Lon is not null).Select(p => (p.Lat!.Value, p.Lon!.Value))
            .Concat(topo.Hubs.Where(h => h.Lat is not null && h.Lon is not null).Select(h => (h.Lat!.Value, h.Lon!.Value)))
            .Concat(regionPlace.Values.Select(v => (v.Lat, v.Lon)))
            .Concat(topo.Users.Where(u => u.Lat is not null && u.Lon is not null).Select(u => (u.Lat!.Value, u.Lon!.Value))).ToList();
        if (all.Count == 0)
            return Charts.NoData("topology-map", "Topology map", "topology.json places no element (no lat/lon): no map to draw.");

        double minLat = all.Min(p => p.Item1), maxLat = all.Max(p => p.Item1), minLon = all.Min(p => p.Item2), maxLon = all.Max(p => p.Item2);
        var padLat = Math.Max(1, (maxLat - minLat) * 0.06);
        var padLon = Math.Max(1, (maxLon - minLon) * 0.06);
        minLat -= padLat; maxLat += padLat; minLon -= padLon; maxLon += padLon;
        var kx = Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        var spanX = (maxLon - minLon) * kx;
        var spanY = maxLat - minLat;
        var scale = Math.Min((MapW - 2 * Margin) / spanX, 520 / spanY);
        var mapH = spanY * scale + 2 * Margin;
        var offX = Margin + ((MapW - 2 * Margin) - spanX * scale) / 2;
        Pt P(double lat, double lon) => new(offX + (lon - minLon) * kx * scale, Margin + (maxLat - lat) * scale);

        var unplacedUsers = topo.Users.Where(u => u.Lat is null || u.Lon is null).ToList();
        var userRowY = mapH + 22;
        var userPlace = new Dictionary<string, Pt>(StringComparer.Ordinal);
        foreach (var u in topo.Users.Where(u => u.Lat is not null && u.Lon is not null)) userPlace[u.Id] = P(u.Lat!.Value, u.Lon!.Value);
        for (var i = 0; i < unplacedUsers.Count; i++)
        {
            var step = (MapW - 2 * Margin) / unplacedUsers.Count;
            userPlace[unplacedUsers[i].Id] = new Pt(Margin + step * (i + 0.5), userRowY);
        }
        var bottom = unplacedUsers.Count > 0 ? userRowY + 56 : mapH;

        var cableColor = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in topo.Cables) cableColor[c.Id] = Charts.PaletteColor(cableColor.Count);
        foreach (var id in topo.Users.SelectMany(u => u.Routes).Select(r => r.Cable).OfType<string>())
            if (!cableColor.ContainsKey(id)) cableColor[id] = Charts.PaletteColor(cableColor.Count);

        var body = new StringBuilder();
        var legend = new StringBuilder();
        var failedList = new List<string>();
        var notes = new List<string>();

        body.Append(Inv($"<rect x=\"0.5\" y=\"0.5\" width=\"{MapW - 1}\" height=\"{mapH - 1}\" rx=\"6\" fill=\"#f4f8fb\" stroke=\"#d5dde5\"/>"));
        // Graticule every 5° (10° on wide maps), labelled, so the projection can be read.
        var grat = (maxLon - minLon) > 60 ? 10 : 5;
        body.Append("<g class=\"graticule\" stroke=\"#e1e8ee\" stroke-width=\"1\" fill=\"#9aa9b6\" font-size=\"9\">");
        for (var lon = Math.Ceiling(minLon / grat) * grat; lon <= maxLon; lon += grat)
        {
            var a = P(maxLat, lon); var b = P(minLat, lon);
            body.Append(Inv($"<line x1=\"{a.X:0.#}\" y1=\"{a.Y:0.#}\" x2=\"{b.X:0.#}\" y2=\"{b.Y:0.#}\"/><text x=\"{b.X + 2:0.#}\" y=\"{b.Y - 3:0.#}\" stroke=\"none\">{lon:0}°E</text>"));
        }
        for (var lat = Math.Ceiling(minLat / grat) * grat; lat <= maxLat; lat += grat)
        {
            var a = P(lat, minLon); var b = P(lat, maxLon);
            body.Append(Inv($"<line x1=\"{a.X:0.#}\" y1=\"{a.Y:0.#}\" x2=\"{b.X:0.#}\" y2=\"{b.Y:0.#}\"/><text x=\"{a.X + 2:0.#}\" y=\"{a.Y - 3:0.#}\" stroke=\"none\">{lat:0}°N</text>"));
        }
        body.Append("</g>");

        // UHV links.
        var maxLinkCap = Math.Max(1, topo.Links.Select(l => l.CapacityMW).DefaultIfEmpty(1).Max());
        body.Append("<g class=\"links\">");
        foreach (var l in topo.Links)
        {
            if (!regionPlace.TryGetValue(l.From, out var f) || !regionPlace.TryGetValue(l.To, out var t)) { notes.Add($"link {l.Id}: region without a place"); continue; }
            var a = P(f.Lat, f.Lon); var b = P(t.Lat, t.Lon);
            var bad = IsFailed("link-trip", l.Id);
            var w = 1.2 + 3 * l.CapacityMW / maxLinkCap;
            body.Append(Inv($"<line class=\"uhv{(bad ? " failed" : "")}\"{FailAttr(bad, "link-trip", l.Id)} x1=\"{a.X:0.#}\" y1=\"{a.Y:0.#}\" x2=\"{b.X:0.#}\" y2=\"{b.Y:0.#}\" stroke=\"{(bad ? Failed : "#7f8c8d")}\" stroke-width=\"{w:0.#}\" stroke-opacity=\"{(bad ? 1 : 0.7)}\"{(bad ? " stroke-dasharray=\"6 4\"" : "")} stroke-linecap=\"round\"><title>UHV link {Esc(l.Id)}: {Esc(l.From)} → {Esc(l.To)}, {l.CapacityMW:0} MW, {l.LengthKm:0} km{(bad ? " — TRIPPED in this run" : "")}</title></line>"));
            if (bad)
            {
                body.Append(Cross((a.X + b.X) / 2, (a.Y + b.Y) / 2, $"link-trip {l.Id}"));
                failedList.Add($"UHV link {l.Id} (link-trip)");
            }
        }
        body.Append("</g>");

        // Subsea cables: user region → hub, one curve per route through a cable.
        var hubPlace = topo.Hubs.Where(h => h.Lat is not null && h.Lon is not null).ToDictionary(h => h.Id, h => P(h.Lat!.Value, h.Lon!.Value), StringComparer.Ordinal);
        body.Append("<g class=\"cables\" fill=\"none\">");
        var cablesCut = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in topo.Users)
        {
            var up = userPlace[u.Id];
            var k = 0;
            foreach (var r in u.Routes.Where(r => r.Cable is not null))
            {
                if (!hubPlace.TryGetValue(r.Hub, out var hp)) continue;
                var cable = r.Cable!;
                var bad = IsFailed("cable-cut", cable);
                if (bad) cablesCut.Add(cable);
                var viaDown = (r.Via ?? []).FirstOrDefault(v => IsFailed("landing-station-failure", v) || IsFailed("segment-cut", v));
                var (cx, cy) = Control(up, hp, (k++ % 2 == 0 ? 1 : -1) * (0.10 + 0.04 * (k / 2 % 3)));
                if (!bad && viaDown is not null)
                {
                    // A route cut by a failed landing station or segment: dashed, without the cable's cross.
                    body.Append(Inv($"<path class=\"cable route-cut\" d=\"M{up.X:0.#},{up.Y:0.#} Q{cx:0.#},{cy:0.#} {hp.X:0.#},{hp.Y:0.#}\" stroke=\"{Failed}\" stroke-width=\"1.2\" stroke-opacity=\"0.7\" stroke-dasharray=\"2 3\"><title>cable {Esc(cable)}: {Esc(u.Id)} ↔ hub {Esc(r.Hub)} — cut at {Esc(viaDown)} in this run</title></path>"));
                    continue;
                }
                body.Append(Inv($"<path class=\"cable{(bad ? " failed" : "")}\"{FailAttr(bad, "cable-cut", cable)} d=\"M{up.X:0.#},{up.Y:0.#} Q{cx:0.#},{cy:0.#} {hp.X:0.#},{hp.Y:0.#}\" stroke=\"{(bad ? Failed : cableColor[cable])}\" stroke-width=\"{(bad ? 1.8 : 1.2)}\" stroke-opacity=\"{(bad ? 0.95 : 0.45)}\"{(bad ? " stroke-dasharray=\"5 4\"" : "")}><title>cable {Esc(cable)}: {Esc(u.Id)} ↔ hub {Esc(r.Hub)}{(bad ? " — CUT in this run" : "")}</title></path>"));
                if (bad)
                {
                    // The ✕ sits on the curve's middle (t = 0.5 of the quadratic Bézier).
                    var mx = 0.25 * up.X + 0.5 * cx + 0.25 * hp.X;
                    var my = 0.25 * up.Y + 0.5 * cy + 0.25 * hp.Y;
                    body.Append(Cross(mx, my, $"cable-cut {cable}", 4.5));
                }
            }
        }
        body.Append("</g>");
        failedList.AddRange(cablesCut.Order(StringComparer.Ordinal).Select(c => $"subsea cable {c} (cable-cut)"));

        // Landing stations: small diamonds; a failed one crossed.
        body.Append("<g class=\"landing-stations\" font-size=\"8\">");
        foreach (var st in topo.LandingStations.Where(x => x.Lat is not null && x.Lon is not null))
        {
            var c = P(st.Lat!.Value, st.Lon!.Value);
            var bad = IsFailed("landing-station-failure", st.Id);
            body.Append(Inv($"<path class=\"landing-station{(bad ? " failed" : "")}\"{FailAttr(bad, "landing-station-failure", st.Id)} d=\"M{c.X:0.#},{c.Y - 4:0.#} L{c.X + 4:0.#},{c.Y:0.#} L{c.X:0.#},{c.Y + 4:0.#} L{c.X - 4:0.#},{c.Y:0.#} Z\" fill=\"{(bad ? Failed : "#8e44ad")}\" stroke=\"#ffffff\" stroke-width=\"0.8\"><title>landing station {Esc(st.Id)}{(bad ? " — FAILED in this run" : "")}</title></path>"));
            if (bad)
            {
                body.Append(Cross(c.X, c.Y, $"landing-station-failure {st.Id}", 5));
                failedList.Add($"landing station {st.Id} (landing-station-failure)");
            }
        }
        body.Append("</g>");
        failedList.AddRange(topo.Segments.Where(x => IsFailed("segment-cut", x.Id)).Select(x => $"terrestrial segment {x.Id} (segment-cut; its routes dotted)"));

        // Regions.
        body.Append("<g class=\"regions\" font-size=\"9\" fill=\"#5d6d7e\">");
        foreach (var (id, at) in regionPlace)
        {
            var p = P(at.Lat, at.Lon);
            body.Append(Inv($"<circle class=\"region\" cx=\"{p.X:0.#}\" cy=\"{p.Y:0.#}\" r=\"2.6\" fill=\"#34495e\"><title>region {Esc(id)}</title></circle><text x=\"{p.X + 4:0.#}\" y=\"{p.Y + 10:0.#}\">{Esc(id)}</text>"));
        }
        body.Append("</g>");

        // Plants: circles by capacity; plants sharing a place are spread on a small ring.
        var maxCap = Math.Max(1, topo.Plants.Select(p => p.CapacityMW).DefaultIfEmpty(1).Max());
        body.Append("<g class=\"plants\">");
        var placed = topo.Plants.Where(p => p.Lat is not null && p.Lon is not null).ToList();
        notes.AddRange(topo.Plants.Where(p => p.Lat is null || p.Lon is null).Select(p => $"plant {p.Id}: no lat/lon"));
        foreach (var group in placed.GroupBy(p => (Math.Round(p.Lat!.Value * 10), Math.Round(p.Lon!.Value * 10))))
        {
            var list = group.OrderByDescending(p => p.CapacityMW).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var p = list[i];
                var c = P(p.Lat!.Value, p.Lon!.Value);
                if (list.Count > 1)
                {
                    var ang = 2 * Math.PI * i / list.Count - Math.PI / 2;
                    c = new Pt(c.X + 7 * Math.Cos(ang), c.Y + 7 * Math.Sin(ang));
                }
                var r = 3 + 11 * Math.Sqrt(p.CapacityMW / maxCap);
                var bad = IsFailed("plant-outage", p.Id);
                body.Append(Inv($"<circle class=\"plant{(bad ? " failed" : "")}\"{FailAttr(bad, "plant-outage", p.Id)} data-type=\"{Esc(p.Type)}\" cx=\"{c.X:0.#}\" cy=\"{c.Y:0.#}\" r=\"{r:0.#}\" fill=\"{Charts.TypeColor(p.Type)}\" fill-opacity=\"0.72\" stroke=\"{(bad ? Failed : "#ffffff")}\" stroke-width=\"{(bad ? 2.2 : 0.8)}\"{(bad ? " stroke-dasharray=\"3 2\"" : "")}><title>plant {Esc(p.Id)} ({Esc(p.Type)}, {p.CapacityMW:0} MW, region {Esc(p.Region)}){(bad ? " — OUTAGE in this run" : "")}</title></circle>"));
                if (bad)
                {
                    body.Append(Cross(c.X, c.Y, $"plant-outage {p.Id}"));
                    body.Append(Inv($"<text x=\"{c.X + r + 3:0.#}\" y=\"{c.Y - r:0.#}\" font-size=\"10\" fill=\"{Failed}\" font-weight=\"bold\">{Esc(p.Id)}</text>"));
                    failedList.Add($"plant {p.Id} (plant-outage)");
                }
            }
        }
        body.Append("</g>");

        // Hubs: squares, labelled.
        body.Append("<g class=\"hubs\" font-size=\"10\">");
        notes.AddRange(topo.Hubs.Where(h => h.Lat is null || h.Lon is null).Select(h => $"hub {h.Id}: no lat/lon"));
        foreach (var h in topo.Hubs.Where(h => hubPlace.ContainsKey(h.Id)))
        {
            var c = hubPlace[h.Id];
            var bad = IsFailed("hub-failure", h.Id);
            var fill = bad ? Failed : h.Role == "west" ? "#16a085" : "#1f3b57";
            body.Append(Inv($"<rect class=\"hub{(bad ? " failed" : "")}\"{FailAttr(bad, "hub-failure", h.Id)} x=\"{c.X - 5:0.#}\" y=\"{c.Y - 5:0.#}\" width=\"10\" height=\"10\" fill=\"{fill}\" stroke=\"{(bad ? "#7b241c" : "#ffffff")}\" stroke-width=\"1.2\"{(bad ? " stroke-dasharray=\"2 1.5\"" : "")}><title>computing hub {Esc(h.Id)} ({Esc(h.Role)}, {h.Servers:0} servers, region {Esc(h.Region)}){(bad ? " — FAILED in this run" : "")}</title></rect>"));
            body.Append(Inv($"<text x=\"{c.X + 7:0.#}\" y=\"{c.Y - 6:0.#}\" fill=\"{(bad ? Failed : "#1f3b57")}\" font-weight=\"{(bad ? "bold" : "normal")}\" paint-order=\"stroke\" stroke=\"#f4f8fb\" stroke-width=\"3\">{Esc(h.Id)}</text>"));
            if (bad)
            {
                body.Append(Cross(c.X, c.Y, $"hub-failure {h.Id}", 7));
                failedList.Add($"hub {h.Id} (hub-failure)");
            }
        }
        body.Append("</g>");

        // Users.
        body.Append("<g class=\"users\" font-size=\"10\">");
        if (unplacedUsers.Count > 0)
            body.Append(Inv($"<text x=\"{Margin}\" y=\"{userRowY + 50:0.#}\" fill=\"#777777\" font-size=\"10\">▲ user regions without lat/lon, placed in a row under the map; curves are their routes through subsea cables.</text>"));
        var row = 0;
        foreach (var u in topo.Users)
        {
            var p = userPlace[u.Id];
            var spike = spikeAll || failed.Contains(("demand-spike", u.Id));
            var routes = string.Join(", ", u.Routes.Select(r => r.Cable is null ? r.Hub : $"{r.Hub} via {r.Cable}"));
            body.Append(Inv($"<circle class=\"user{(spike ? " spiked" : "")}\" cx=\"{p.X:0.#}\" cy=\"{p.Y:0.#}\" r=\"6\" fill=\"#6c5ce7\" stroke=\"{(spike ? Spike : "#ffffff")}\" stroke-width=\"{(spike ? 2.5 : 1)}\"><title>user region {Esc(u.Id)}{(u.SloTtftMs is double s ? $", SLO TTFT {s:0} ms" : "")}; routes: {Esc(routes)}</title></circle>"));
            // Row labels alternate between two lines so neighbours never overlap.
            var dy = unplacedUsers.Contains(u) ? (row++ % 2 == 0 ? 18 : 31) : 18;
            body.Append(Inv($"<text x=\"{p.X:0.#}\" y=\"{p.Y + dy:0.#}\" text-anchor=\"middle\" fill=\"#4b3fb5\">{Esc(u.Id)}</text>"));
        }
        body.Append("</g>");
        if (spikeAll) failedList.Add("demand spike on all user regions (orange ring)");
        failedList.AddRange(topo.Users.Where(u => failed.Contains(("demand-spike", u.Id))).Select(u => $"demand spike on {u.Id} (orange ring)"));

        // Legend.
        var y = 16.0;
        void Head(string text) { legend.Append(Inv($"<text x=\"{LegendX}\" y=\"{y:0.#}\" font-weight=\"bold\" font-size=\"12\" fill=\"#333333\">{Esc(text)}</text>")); y += 16; }
        void Item(string symbol, string text, string color = "#333333")
        {
            legend.Append(symbol).Append(Inv($"<text x=\"{LegendX + 22}\" y=\"{y + 4:0.#}\" font-size=\"11\" fill=\"{color}\">{Esc(text)}</text>"));
            y += 16;
        }
        Head("Legend");
        foreach (var t in RunLoader.PlantTypes.Where(t => topo.Plants.Any(p => p.Type == t)))
            Item(Inv($"<circle cx=\"{LegendX + 8}\" cy=\"{y:0.#}\" r=\"6\" fill=\"{Charts.TypeColor(t)}\" fill-opacity=\"0.72\"/>"), $"{t} plant (area ∝ MW)");
        Item(Inv($"<rect x=\"{LegendX + 3}\" y=\"{y - 5:0.#}\" width=\"10\" height=\"10\" fill=\"#1f3b57\"/>"), "computing hub (east)");
        Item(Inv($"<rect x=\"{LegendX + 3}\" y=\"{y - 5:0.#}\" width=\"10\" height=\"10\" fill=\"#16a085\"/>"), "computing hub (west)");
        Item(Inv($"<circle cx=\"{LegendX + 8}\" cy=\"{y:0.#}\" r=\"2.6\" fill=\"#34495e\"/>"), "grid region");
        Item(Inv($"<line x1=\"{LegendX}\" y1=\"{y:0.#}\" x2=\"{LegendX + 16}\" y2=\"{y:0.#}\" stroke=\"#7f8c8d\" stroke-width=\"3\"/>"), "UHV link (width ∝ MW)");
        Item(Inv($"<circle cx=\"{LegendX + 8}\" cy=\"{y:0.#}\" r=\"6\" fill=\"#6c5ce7\"/>"), "user region");
        if (cableColor.Count > 0)
        {
            y += 4;
            Head("Subsea cables");
            var caps = topo.Cables.ToDictionary(c => c.Id, c => c.CapacityTbps, StringComparer.Ordinal);
            foreach (var (id, col) in cableColor)
            {
                var cut = cablesCut.Contains(id) || IsFailed("cable-cut", id);
                Item(Inv($"<line x1=\"{LegendX}\" y1=\"{y:0.#}\" x2=\"{LegendX + 16}\" y2=\"{y:0.#}\" stroke=\"{(cut ? Failed : col)}\" stroke-width=\"2\"{(cut ? " stroke-dasharray=\"4 3\"" : "")}/>"),
                    id + (caps.TryGetValue(id, out var tb) && tb > 0 ? $" ({tb:0.#} Tbps)" : "") + (cut ? " ✕ cut" : ""), cut ? Failed : "#333333");
            }
        }
        y += 4;
        Head("Failed in this run");
        if (failedList.Count == 0) Item("", "none", "#777777");
        foreach (var f in failedList.Distinct())
            Item(Inv($"<text x=\"{LegendX + 8}\" y=\"{y + 4:0.#}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\" fill=\"{(f.StartsWith("demand", StringComparison.Ordinal) ? Spike : Failed)}\">{(f.StartsWith("demand", StringComparison.Ordinal) ? "◯" : "✕")}</text>"), f,
                f.StartsWith("demand", StringComparison.Ordinal) ? Spike : Failed);
        if (notes.Count > 0)
        {
            y += 4;
            Head("Not drawn");
            foreach (var n in notes.Take(12)) Item("", n, "#777777");
            if (notes.Count > 12) Item("", $"… and {notes.Count - 12} more", "#777777");
        }

        var height = Math.Max(bottom, y + 8);
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg class=\"chart map\" data-chart=\"topology-map\" role=\"img\" aria-label=\"Topology map\" viewBox=\"0 0 {TotalW} {height:0}\" width=\"{TotalW}\" height=\"{height:0}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\">"));
        svg.Append(body).Append(legend).Append("</svg>");
        return svg.ToString();
    }

    private static (double X, double Y) Control(Pt a, Pt b, double bend)
    {
        var mx = (a.X + b.X) / 2; var my = (a.Y + b.Y) / 2;
        var dx = b.X - a.X; var dy = b.Y - a.Y;
        return (mx - dy * bend, my + dx * bend);
    }

    private static string Cross(double x, double y, string what, double size = 5.5) =>
        Inv($"<g class=\"fail-mark\" data-failed=\"{Esc(what)}\"><path d=\"M{x - size:0.#},{y - size:0.#} L{x + size:0.#},{y + size:0.#} M{x - size:0.#},{y + size:0.#} L{x + size:0.#},{y - size:0.#}\" stroke=\"#ffffff\" stroke-width=\"4.5\" stroke-linecap=\"round\"/><path d=\"M{x - size:0.#},{y - size:0.#} L{x + size:0.#},{y + size:0.#} M{x - size:0.#},{y + size:0.#} L{x + size:0.#},{y - size:0.#}\" stroke=\"{Failed}\" stroke-width=\"2.4\" stroke-linecap=\"round\"/><title>✕ {Esc(what)}</title></g>");

    private static string FailAttr(bool bad, string kind, string id) => bad ? $" data-failed=\"{Esc(kind)} {Esc(id)}\"" : "";

    private static string Esc(string s) => System.Net.WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
