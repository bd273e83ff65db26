using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAgent.Web.Client.Ops;

/// <summary>Source-generated serialization of the ops snapshot, shared by the host that writes it and the page that reads it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OpsSnapshot))]
public sealed partial class OpsJsonContext : JsonSerializerContext;
