using System.Text.Json;

namespace AspireAgent.LoadTool.Scenarios.Scale;

/// <summary>
/// What an <c>idle-clients</c> process reports, one line a second on its standard output (<c>status {json}</c>):
/// the scale scenario reads the latest line of each of its client processes.
/// </summary>
internal sealed record ClientStatus(
    string Phase, int Open, int Failed, long Pings, long Closed, Dictionary<string, long> CloseCodes, string? FirstFailure, string? LastClose)
{
    public const string Connecting = "connecting";
    public const string Holding = "holding";
    public const string Done = "done";
    private const string Prefix = "status ";

    public static ClientStatus None { get; } = new(Connecting, 0, 0, 0, 0, [], null, null);

    public string ToLine() => Prefix + JsonSerializer.Serialize(this);

    public static ClientStatus? TryParse(string line) =>
        line.StartsWith(Prefix, StringComparison.Ordinal) ? JsonSerializer.Deserialize<ClientStatus>(line.AsSpan(Prefix.Length)) : null;
}
