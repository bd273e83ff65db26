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

    /// <summary>The same liveness cadence on both: gateway pings (fixed) and SignalR keep-alives every <paramref name="interval"/>.</summary>
    public static Dictionary<string, string> Heartbeat(TimeSpan interval) => new()
    {
        ["Gateway__Heartbeat__Strategy"] = "Fixed",
        ["Gateway__Heartbeat__AllowClientHint"] = "false",
        ["Gateway__Heartbeat__Interval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["Gateway__Heartbeat__MaxInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),

        // The gateway's ping loop sleeps until the pong deadline after each ping, so its period is
        // max(Interval, PongTimeout): below the default 10 s interval the timeout must shrink with it.
        ["Gateway__Heartbeat__PongTimeout"] = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, (interval * 0.8).Ticks))
            .ToString("c", CultureInfo.InvariantCulture),
        ["Peer__KeepAliveInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["Peer__ClientTimeoutInterval"] = (interval * 2 + TimeSpan.FromSeconds(10)).ToString("c", CultureInfo.InvariantCulture),
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
