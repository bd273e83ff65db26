using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Memory;

/// <summary>Enforces retention in the in-memory bus, on the injected clock so tests can drive it.</summary>
internal sealed partial class MemoryBusSweeper(
    MemoryStreamStore streams,
    MemoryConversationStore conversations,
    MemoryStreamSignals signals,
    IOptions<BusOptions> options,
    TimeProvider time,
    ILogger<MemoryBusSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var removedStreams = streams.RemoveExpired();
                var removedConversations = conversations.RemoveExpired();
                signals.RemoveStale(options.Value.StreamRetention);
                if (removedStreams + removedConversations > 0)
                {
                    LogSwept(removedStreams, removedConversations);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Swept {Streams} expired streams and {Conversations} idle conversations")]
    private partial void LogSwept(int streams, int conversations);
}
