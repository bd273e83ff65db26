using System.Text.Json.Serialization;

namespace AspireAgent.Web.Client.Ops;

/// <summary>Where the host reads the ops series from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OpsSourceKind>))]
public enum OpsSourceKind
{
    /// <summary>Nothing to read: the host neither runs the backend nor knows a Prometheus.</summary>
    [JsonStringEnumMemberName("none")]
    None = 0,

    /// <summary>The gateway and worker run in the host; their meters are sampled in-process.</summary>
    [JsonStringEnumMemberName("in-process")]
    InProcess = 1,

    /// <summary>A Prometheus that scrapes every node (<c>Ops:PrometheusUrl</c>).</summary>
    [JsonStringEnumMemberName("prometheus")]
    Prometheus = 2,
}
