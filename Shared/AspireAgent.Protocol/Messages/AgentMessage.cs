using System.Text.Json.Serialization;

namespace AspireAgent.Protocol;

/// <summary>
/// The base of every frame on the wire: an id, a <see cref="Type"/> and a Unix-millisecond timestamp.
/// </summary>
/// <remarks>
/// The JSON encoding writes <c>type</c> as the discriminator; MessagePack and Protobuf carry it as a small
/// integer (the first array element / the <c>oneof</c> case), so the name costs no bytes on binary encodings.
/// Type numbers, field orders and JSON names are part of protocol v1: never renumber or rename, only add.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(UserMessage), MessageTypes.UserMessage)]
[JsonDerivedType(typeof(AssistantStart), MessageTypes.AssistantStart)]
[JsonDerivedType(typeof(AssistantChunk), MessageTypes.AssistantChunk)]
[JsonDerivedType(typeof(AssistantEnd), MessageTypes.AssistantEnd)]
[JsonDerivedType(typeof(ControlMessage), MessageTypes.Control)]
[JsonDerivedType(typeof(ErrorMessage), MessageTypes.Error)]
[JsonDerivedType(typeof(ConversationList), MessageTypes.ConversationList)]
[JsonDerivedType(typeof(ConversationHistory), MessageTypes.ConversationHistory)]
public abstract record AgentMessage
{
    [JsonPropertyName("id")]
    [JsonPropertyOrder(-2)]
    public required string Id { get; init; }

    /// <summary>Unix time in milliseconds at which the sender created the message.</summary>
    [JsonPropertyName("ts")]
    [JsonPropertyOrder(-1)]
    public required long Timestamp { get; init; }

    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>The outbound lane this message travels in when a gateway sends it.</summary>
    [JsonIgnore]
    public virtual MessagePriority Priority => MessagePriority.Normal;
}
