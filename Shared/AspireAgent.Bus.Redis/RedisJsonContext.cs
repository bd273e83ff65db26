using System.Text.Json.Serialization;

namespace AspireAgent.Bus.Redis;

/// <summary>Requests travel as JSON: readable with redis-cli, and tolerant of added fields across versions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ChatRequest))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
