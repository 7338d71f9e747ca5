using System.Text.Json;

namespace GridActors.Reports.Format;

/// <summary>How the run folder's JSON files (and the command line's <c>--json</c> output) are written and read: camelCase
/// property names of the records in this namespace, so that writer and reader share one definition of every field.</summary>
public static class RunFolderJson
{
    /// <summary>One line (command output, registry).</summary>
    public static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);

    /// <summary>Indented (files in the run folder).</summary>
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
