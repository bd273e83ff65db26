using System.Text.Json.Serialization;
using AspireAgent.Protocol.Encoding.Json;

namespace AspireAgent.Protocol;

/// <summary>
/// Connection-level signalling: handshake, heartbeat, interrupt, acknowledgement, resume.
/// <see cref="Action"/> is one of <see cref="ControlActions"/>; <see cref="Payload"/> holds the action's
/// string arguments, whose keys are listed in <see cref="ControlKeys"/>.
/// </summary>
public sealed record ControlMessage : AgentMessage
{
    [JsonPropertyName("action")]
    [JsonConverter(typeof(ProtocolWordJsonConverter))]
    public required string Action { get; init; }

    [JsonPropertyName("payload")]
    [JsonConverter(typeof(ControlPayloadJsonConverter))]
    public IReadOnlyDictionary<string, string>? Payload { get; init; }

    [JsonIgnore]
    public override string Type => MessageTypes.Control;

    [JsonIgnore]
    public override MessagePriority Priority => ControlActions.PriorityOf(Action);

    /// <summary>The payload value for <paramref name="key"/>, or null when absent.</summary>
    public string? Get(string key) => Payload is not null && Payload.TryGetValue(key, out var value) ? value : null;

    /// <summary>Compares payloads by content, which the record's default equality would not.</summary>
    public bool Equals(ControlMessage? other) =>
        other is not null
        && base.Equals(other)
        && Action == other.Action
        && PayloadEquals(Payload, other.Payload);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Action, Payload?.Count ?? 0);

    private static bool PayloadEquals(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (a is null || b is null)
        {
            return (a?.Count ?? 0) == (b?.Count ?? 0);
        }

        return a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }
}
