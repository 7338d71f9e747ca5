using GridActors.Model.Phold;

namespace GridActors.TestSupport;

/// <summary>PHOLD shapes every executor must agree on: (name, parameters).</summary>
public static class PholdShapes
{
    public static readonly (string Name, PholdParameters Parameters)[] All =
    [
        ("few LPs, many events", new(4, 64, 0.25, 1.0, 0.1, 40, 1)),
        ("many LPs, few events", new(1024, 1, 0.25, 1.0, 0.1, 20, 2)),
        ("no remote traffic", new(64, 8, 0.0, 1.0, 0.1, 60, 3)),
        ("only remote traffic", new(64, 8, 1.0, 1.0, 0.1, 60, 4)),
        ("lookahead = mean", new(64, 8, 0.5, 0.5, 0.5, 60, 5)),
        ("a single LP", new(1, 16, 0.25, 1.0, 0.1, 50, 6)),
        ("tiny lookahead, many windows", new(300, 4, 0.25, 2.0, 0.000001, 10, 7)),
        ("the benchmark's shape, shorter", new(512, 16, 0.25, 1.0, 0.1, 25, 17)),
    ];

    /// <summary>xunit member data: the shape names.</summary>
    public static IEnumerable<object[]> Names => All.Select(s => new object[] { s.Name });

    public static PholdParameters Get(string name) => All.Single(s => s.Name == name).Parameters;
}
