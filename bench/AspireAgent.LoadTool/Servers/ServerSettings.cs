using System.Globalization;
using AspireAgent.LoadTool.Cli;

namespace AspireAgent.LoadTool.Servers;

/// <summary>
/// Configuration handed to a server as environment variables. The model and batching keys are the worker's own
/// (<c>Inference:*</c>), read by both servers, so both stream the same text at the same pace in the same chunks.
/// </summary>
internal static class ServerSettings
{
    public static Dictionary<string, string> Model(double tokensPerSecond, int tokenCount, int batchChars, TimeSpan batchDelay) => new()
    {
        ["Inference__Provider"] = "Simulated",
        ["Inference__Simulated__TokensPerSecond"] = tokensPerSecond.ToString(CultureInfo.InvariantCulture),
        ["Inference__Simulated__TokenCount"] = tokenCount.ToString(CultureInfo.InvariantCulture),
        ["Inference__Batching__MaxChars"] = batchChars.ToString(CultureInfo.InvariantCulture),
        ["Inference__Batching__MaxDelay"] = batchDelay.ToString("c", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The same liveness cadence and the same tolerance on both: gateway pings (fixed) and SignalR keep-alives
    /// every <paramref name="interval"/>, and either server drops a peer silent for 2 × interval + 10 s.
    /// </summary>
    public static Dictionary<string, string> Heartbeat(TimeSpan interval) => new()
    {
        ["Gateway__Heartbeat__Strategy"] = "Fixed",
        ["Gateway__Heartbeat__AllowClientHint"] = "false",
        ["Gateway__Heartbeat__Interval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["Gateway__Heartbeat__MaxInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),

        // SignalR closes a client it has heard nothing from for ClientTimeoutInterval; the gateway closes one that
        // has not answered a ping within PongTimeout, and its last word was the previous pong, one interval before
        // the ping. So interval + PongTimeout = ClientTimeoutInterval is the same silence allowed on both. (It was
        // min(10 s, 0.8 × interval): at 100,000 connections, client processes starved of CPU answered late and the
        // gateway alone closed 4,193 of them with 4001.) An answered ping does not delay the next one.
        ["Gateway__Heartbeat__PongTimeout"] = (ClientTimeout(interval) - interval).ToString("c", CultureInfo.InvariantCulture),
        ["Peer__KeepAliveInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["Peer__ClientTimeoutInterval"] = ClientTimeout(interval).ToString("c", CultureInfo.InvariantCulture),
    };

    /// <summary>SignalR's defaults (keep-alive 15 s, client timeout 30 s) scaled to the interval: 2 × interval, plus 10 s of slack.</summary>
    public static TimeSpan ClientTimeout(TimeSpan interval) => interval * 2 + TimeSpan.FromSeconds(10);

    /// <summary>Gateway processes that share one port (<c>Gateway:ReusePort</c>), each with its own node name.</summary>
    public static Dictionary<string, string> SharedPort(int node) => new()
    {
        ["Gateway__ReusePort"] = "true",
        ["Gateway__NodeId"] = $"gateway-{node}",
    };

    /// <summary>Adds the <c>--server-env KEY=VALUE,…</c> overrides, last, so they win.</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> settings, CommonSettings common)
    {
        foreach (var pair in common.ServerEnvironment)
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new ArgumentException($"--server-env expects KEY=VALUE, got '{pair}'.");
            }

            settings[pair[..equals]] = pair[(equals + 1)..];
        }

        return settings;
    }

    public static Dictionary<string, string> Merge(params Dictionary<string, string>[] parts)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
