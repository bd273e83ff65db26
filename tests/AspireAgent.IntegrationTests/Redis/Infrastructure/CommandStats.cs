using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

/// <summary>What a redis-server has executed: <c>INFO commandstats</c>, the commands scripts run included.</summary>
internal static class CommandStats
{
    /// <summary>Calls per command since the server started, from <c>INFO commandstats</c> (a bulk reply).</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(RedisServer redis)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var header = await reader.ReadLineAsync() ?? string.Empty;
        var length = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
        var body = new char[length];
        for (var read = 0; read < length;)
        {
            read += await reader.ReadAsync(body.AsMemory(read));
        }

        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in new string(body).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_evalsha:calls=12,usec=…
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal) && line.IndexOf(":calls=", StringComparison.Ordinal) is > 0 and var colon)
            {
                var count = line[(colon + 7)..].Split(',')[0];
                calls[line[8..colon]] = long.Parse(count, CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }
}
