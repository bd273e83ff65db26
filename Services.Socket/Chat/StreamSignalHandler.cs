using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Chat;

/// <summary><c>interrupt</c> and <c>ack</c>: the client's signals to the producer of a stream it owns.</summary>
internal sealed class StreamSignalHandler(IStreamStore streams, IStreamSignals signals)
{
    public async ValueTask InterruptAsync(IClientSession connection, ControlMessage message)
    {
        var streamId = message.Get(ControlKeys.StreamId);
        if (string.IsNullOrEmpty(streamId))
        {
            connection.SendCritical(connection.Error(ErrorCodes.InvalidMessage, "interrupt needs payload streamId.", replyTo: message.Id));
            return;
        }

        if (await IsOwnedAsync(connection, message, streamId))
        {
            await signals.InterruptAsync(streamId, connection.Aborted);
        }
    }

    public async ValueTask AcknowledgeAsync(IClientSession connection, ControlMessage message)
    {
        var streamId = message.Get(ControlKeys.StreamId);
        if (string.IsNullOrEmpty(streamId)
            || !long.TryParse(message.Get(ControlKeys.Seq), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            connection.SendCritical(connection.Error(ErrorCodes.InvalidMessage, "ack needs payload streamId and seq (≥ 0).", replyTo: message.Id));
            return;
        }

        // Refused like any other foreign action; then only the relaying connection's acks count: it is the one
        // whose client renders the stream.
        if (!await IsOwnedAsync(connection, message, streamId) || !connection.Follows(streamId))
        {
            return;
        }

        connection.Acknowledged(streamId, seq);
        await signals.AcknowledgeAsync(streamId, seq, connection.Aborted);
    }

    // A stream this connection follows was checked when it was followed; others are looked up.
    private async ValueTask<bool> IsOwnedAsync(IClientSession connection, ControlMessage message, string streamId)
    {
        if (connection.Follows(streamId))
        {
            return true;
        }

        var info = await streams.GetAsync(streamId, connection.Aborted);
        if (info is not null && info.OwnerId == connection.IdentityId)
        {
            return true;
        }

        connection.SendCritical(connection.Error(
            info is null ? ErrorCodes.StreamNotFound : ErrorCodes.Forbidden,
            info is null ? "The stream does not exist or has expired." : "This stream belongs to another identity.",
            replyTo: message.Id,
            streamId: streamId));
        return false;
    }
}
