namespace GridActors.Hosting;

/// <summary>The engine's version, recorded with every run.</summary>
public static class EngineInfo
{
    public static string Version { get; } = typeof(EngineInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>A problem with what the user asked for (the command line exits 2, the console answers 4xx): one line, no stack trace.</summary>
public sealed class UserInputException(string message) : Exception(message);
