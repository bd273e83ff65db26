using System.Collections.Concurrent;
using System.Threading.Channels;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The streams one connection follows: a relay per stream reads the bus from a position and queues each
/// event in the connection's outbox. A full lane makes the relay wait — that is where a slow client pushes
/// back. Relays write only through <see cref="ClientConnection.ForwardAsync"/>. Owned and awaited by the connection, whose slow-consumer watch closes a client that stays behind.
/// </summary>
internal sealed class StreamRelays(ClientConnection connection, IStreamStore streams, GatewayOptions options, ILogger logger)
{
    // Created by the first follow: most connections idle most of the time and follow nothing.
    private ConcurrentDictionary<string, Task>? _relays;

    public bool Follows(string streamId) => _relays?.ContainsKey(streamId) ?? false;

    /// <summary>Whether one more stream may be followed (<see cref="GatewayOptions.MaxStreamsPerConnection"/>).</summary>
    public bool HasRoom => (_relays?.Count ?? 0) < options.MaxStreamsPerConnection;

    /// <summary>Starts relaying; false when the connection already follows this stream or too many others.</summary>
    public bool TryFollow(string streamId, StreamPosition from, CancellationToken aborted)
    {
        var relays = LazyInitializer.EnsureInitialized(ref _relays, static () => new(StringComparer.Ordinal));
        if (relays.Count >= options.MaxStreamsPerConnection || relays.ContainsKey(streamId))
        {
            return false;
        }

        // Registered before the relay runs, so its own removal can never precede its registration.
        var done = new TaskCompletionSource();
        if (!relays.TryAdd(streamId, done.Task))
        {
            return false;
        }

        _ = RelayAsync(streamId, from, done, aborted);
        return true;
    }

    /// <summary>Completes once every relay has stopped (they stop when the connection aborts).</summary>
    public Task WhenAllStopped() => Volatile.Read(ref _relays) is { } relays ? Task.WhenAll(relays.Values) : Task.CompletedTask;

    private async Task RelayAsync(string streamId, StreamPosition from, TaskCompletionSource done, CancellationToken aborted)
    {
        // Leave the read loop's call stack: a stream already in the bus would otherwise be relayed inline.
        await Task.Yield();
        try
        {
            await foreach (var message in streams.ReadAsync(streamId, from, aborted))
            {
                // A full lane makes the relay wait; the connection's slow-consumer watch closes a client that
                // stays behind, which completes the outbox and ends this wait.
                await connection.ForwardAsync(message, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // The connection is closing; the client resumes the stream elsewhere.
        }
        catch (StreamNotFoundException)
        {
            connection.SendCritical(connection.Error(ErrorCodes.StreamNotFound, "The stream does not exist or has expired.", streamId: streamId));
        }
        catch (Exception ex)
        {
            logger.RelayFailed(connection.ConnectionId, streamId, ex);
            connection.SendCritical(connection.Error(ErrorCodes.Internal, "Relaying the stream failed.", retryable: true, streamId: streamId));
        }
        finally
        {
            _relays!.TryRemove(streamId, out _);
            connection.StoppedRelaying(streamId);
            done.TrySetResult();
        }
    }
}
