using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios.Tests;

/// <summary>What hubs pay for electricity: the top-level <c>hub_pricing</c> and a hub's own <c>pricing</c>.</summary>
public class PricingSchemaSpecs
{
    private static string SmallText => File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "small.yaml"));

    private const string Policy = "policy: latency-first\n", Yrd = "electricity_price: 90, capital_per_server_hour: 30}";

    private static (int Line, int Column) Where(string text, string marked)
    {
        int i = text.IndexOf(marked.Replace("^", ""), StringComparison.Ordinal) + marked.IndexOf('^');
        int line = text[..i].Count(c => c == '\n') + 1;
        return (line, i - text.LastIndexOf('\n', Math.Max(0, i - 1)));
    }

    private static HubPricing[] Paid(string text)
    {
        var spec = ScenarioLoader.Load("s.yaml", text).Spec;
        return [.. spec.Hubs.Select(spec.PricingOf)];
    }

    [Fact]
    public void Hubs_pay_their_tariff_unless_the_scenario_or_the_hub_asks_for_the_locational_price()
    {
        Assert.Contains(Policy, SmallText);
        Assert.Contains(Yrd, SmallText);
        Assert.Equal(new[] { HubPricing.Tariff, HubPricing.Tariff }, Paid(SmallText));                  // zhongwei, yrd
        Assert.Null(ScenarioLoader.Load("s.yaml", SmallText).Spec.Hubs[1].Pricing);
        var locational = SmallText.Replace(Policy, Policy + "hub_pricing: locational\n");
        Assert.Equal(new[] { HubPricing.Locational, HubPricing.Locational }, Paid(locational));
        // A hub's own choice wins either way.
        Assert.Equal(new[] { HubPricing.Locational, HubPricing.Tariff }, Paid(locational.Replace(Yrd, Yrd[..^1] + ", pricing: tariff}")));
        Assert.Equal(new[] { HubPricing.Tariff, HubPricing.Locational }, Paid(SmallText.Replace(Yrd, Yrd[..^1] + ", pricing: locational}")));
    }

    [Fact]
    public void Pricing_round_trips_through_the_writer_and_the_default_is_not_written()
    {
        foreach (var text in new[] { SmallText, SmallText.Replace(Policy, Policy + "hub_pricing: locational\n").Replace(Yrd, Yrd[..^1] + ", pricing: tariff}") })
        {
            var s = ScenarioLoader.Load("s.yaml", text);
            var w = new StringWriter();
            ScenarioWriter.Write(s.Spec, s.HorizonMicros, s.Seed, w, "test");
            Assert.Equal(text.Contains("hub_pricing", StringComparison.Ordinal), w.ToString().Contains("hub_pricing", StringComparison.Ordinal));
            SchemaSpecs.AssertDeepEqual(s.Spec, ScenarioLoader.Load("s.yaml", w.ToString()).Spec, "spec");
        }
    }

    public static TheoryData<string, string, string, string> Bad => new()
    {
        // replaced, by, located at (^ in the new text), message
        { Policy, Policy + "hub_pricing: spot\n", "hub_pricing: ^spot", "'hub_pricing' must be tariff or locational, got 'spot'" },
        { Yrd, Yrd[..^1] + ", pricing: marginal}", "pricing: ^marginal", "'pricing' must be tariff or locational, got 'marginal'" },
        { Yrd, Yrd[..^1] + ", pricing: [tariff]}", "pricing: ^[tariff]", "'pricing' must be a single value" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void A_pricing_that_is_neither_tariff_nor_locational_is_a_located_error(string from, string to, string at, string message)
    {
        var text = SmallText.Replace(from, to);
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text)).Errors);
        Assert.Equal(message, e.Message);
        Assert.Equal(Where(text, at), (e.Line, e.Column));
    }
}
