using System.Text.Json.Serialization;

namespace AspireAgent.Protocol.Encoding.Json;

/// <summary>Source-generated metadata: no reflection at run time, which trimming and WebAssembly need.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AgentMessage))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
