using System.Globalization;
using System.Text.Json;

namespace GridActors.Reports;

/// <summary>Tolerant reads from a JSON document: unknown keys are ignored, absent or non-numeric values are null.</summary>
internal static class Json
{
    public static JsonDocument Load(string dir, string name, bool required = true)
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            if (required) throw new ReportException($"{name}: file not found in run folder {dir}");
            return JsonDocument.Parse("null");
        }
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ReportException($"{name}: expected a JSON object at the top level, found {doc.RootElement.ValueKind}");
            return doc;
        }
        catch (JsonException ex)
        {
            throw new ReportException($"{name}: malformed JSON ({ex.Message})", ex);
        }
    }

    /// <summary>A run-folder file read into its record (<see cref="Format.RunFolderJson"/>): unknown keys are ignored, absent ones are null;
    /// a missing required file or malformed JSON is a <see cref="ReportException"/> naming the file.</summary>
    public static T? Read<T>(string dir, string name, bool required = true) where T : class
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            if (required) throw new ReportException($"{name}: file not found in run folder {dir}");
            return null;
        }
        try
        {
            var options = new JsonSerializerOptions(Format.RunFolderJson.Compact) { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip };
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ReportException($"{name}: expected a JSON object at the top level, found {doc.RootElement.ValueKind}");
            return doc.RootElement.Deserialize<T>(options) ?? throw new ReportException($"{name}: empty");
        }
        catch (JsonException ex)
        {
            throw new ReportException($"{name}: malformed JSON ({ex.Message})", ex);
        }
    }

    public static JsonElement? Get(this JsonElement e, params string[] path)
    {
        var cur = e;
        foreach (var p in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(p, out var next)) return null;
            cur = next;
        }
        return cur;
    }

    public static double? Num(this JsonElement e, params string[] path)
    {
        var v = e.Get(path);
        if (v is not { } x) return null;
        return x.ValueKind switch
        {
            JsonValueKind.Number => x.GetDouble(),
            JsonValueKind.String when double.TryParse(x.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }

    public static string? Str(this JsonElement e, params string[] path)
    {
        var v = e.Get(path);
        if (v is not { } x) return null;
        return x.ValueKind switch
        {
            JsonValueKind.String => x.GetString(),
            JsonValueKind.Number => x.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static IEnumerable<JsonElement> Array(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    public static IEnumerable<(string Key, JsonElement Value)> Object(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => (p.Name, p.Value)) : [];
}
