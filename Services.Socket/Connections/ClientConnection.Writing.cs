using System.Net.WebSockets;
using AspireAgent.Protocol;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Flow;

namespace AspireAgent.Socket.Connections;

/// <summary>
/// The send side of a connection: the single writer, what it does with each frame the socket took, and the
/// slow-consumer check that watches it.
/// </summary>
internal sealed partial class ClientConnection
{
    private async Task WriteLoopAsync()
    {
        var buffer = new PooledBufferWriter();
        try
        {
            while (await _outbox.DequeueAsync() is { } message && _close is null)
            {
                buffer.ResetWrittenCount();
                Codec.Encode(message, buffer);
                _slowConsumer.WriteStarting();
                Watch();
                // No token: a cancellable send takes the socket's slow path (an async state machine and a token
                // registration per frame), and the token would only abort the socket, which CloseDue and the catch
                // below do themselves.
                await _socket.SendAsync(buffer.WrittenMemory, Codec.FrameType, endOfMessage: true, CancellationToken.None);
                _slowConsumer.Written(message);
                _metrics.Sent(message, Codec.Encoding, buffer.WrittenCount, _time.GetUtcNow());
                if (!IsHeartbeat(message) && IdentityId is not null)
                {
                    MarkMessage();
                }

                if (!ClientAcknowledges)
                {
                    Delivered(message);
                }

                // Keep the buffer through a burst; an idle connection holds none.
                if (_outbox.IsEmpty)
                {
                    buffer.Release();
                }
            }

            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(close.Status, close.Reason, _abort.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished mid-write, or the close timeout cut the write: the read ends with the socket.
            await _abort.CancelAsync();
            _socket.Abort();
        }
        finally
        {
            buffer.Release();
        }
    }

    // The socket took the frame, so the gateway acknowledges it for a client that does not: cumulatively, through
    // the batcher, so the writer neither waits on the bus nor sends one acknowledgement per chunk.
    private void Delivered(AgentMessage message)
    {
        switch (message)
        {
            case AssistantChunk chunk:
                (_acks ??= new AcknowledgementBatcher(_flusher.Writer, _timers, _time, _options)).Delivered(chunk.StreamId, chunk.Seq);
                break;
            case AssistantEnd end:
                _acks?.Ended(end.StreamId);
                break;
        }
    }

    // A client owed frames that takes none of them for SlowConsumerTimeout is closed (4002), whatever paused
    // first. Its answers live on in the bus (the producer is paused by the missing acknowledgements), so the
    // client resumes them after reconnecting. Closing drops the queued frames at once, and frees the relays at
    // once when they wait for room, otherwise when the close handshake ends (at most CloseTimeout).
    // Checked every CheckInterval on the node's shared timer while anything is owed; a check that finds
    // nothing owed stops checking, and the next frame queued books the next check.
    void IDueCallback.OnDue(DateTimeOffset now)
    {
        if (_close is not null || _abort.IsCancellationRequested)
        {
            return;
        }

        if (_slowConsumer.IsStalled(now, ClientAcknowledges))
        {
            _metrics.Failure("slow_consumer");
            RequestClose(CloseCodes.SlowConsumer, "slow consumer");
            return;
        }

        if (!_slowConsumer.IsOwing(ClientAcknowledges))
        {
            _slowConsumer.Paused();
            Interlocked.Exchange(ref _watching, 0);

            // Whoever makes something owed (queues a frame, starts a write) books a check after doing so; one
            // that did so since the look above found the check still booked and left it to us.
            if (!_slowConsumer.IsOwing(ClientAcknowledges) || Interlocked.CompareExchange(ref _watching, 1, 0) != 0)
            {
                return;
            }
        }

        _timers.Schedule(this, now + _slowConsumer.CheckInterval);
    }

    // A full-fence exchange, not a plain read first: it must not be ordered before the caller's write of what is owed.
    private void Watch()
    {
        if (Interlocked.CompareExchange(ref _watching, 1, 0) == 0)
        {
            _timers.Schedule(this, _time.GetUtcNow() + _slowConsumer.CheckInterval);
        }
    }
}
