using System.Globalization;
using AspireAgent.Bus;
using AspireAgent.Protocol;
using AspireAgent.Socket.Sessions;

namespace AspireAgent.Socket.Chat;

/// <summary>
/// <c>resume {streamId, seq}</c>: replays what the client missed after <c>seq</c> (or from the start when
/// <c>seq</c> is absent), then follows the stream live. Works on any node, because the stream lives in the bus.
/// </summary>
internal sealed class StreamResumeHandler(IStreamStore streams, IStreamSignals signals, Diagnostics.GatewayMetrics metrics)
{
    public async ValueTask HandleAsync(IClientSession connection, ControlMessage message)
    {
        var streamId = message.Get(ControlKeys.StreamId);
        var seqText = message.Get(ControlKeys.Seq);
        long seq = -1;
        if (string.IsNullOrEmpty(streamId)
            || seqText is not null && (!long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out seq) || seq < 0))
        {
            metrics.Resume("invalid");
            connection.SendCritical(connection.Error(
                ErrorCodes.InvalidMessage, "resume needs payload streamId and, optionally, seq (the last chunk received, ≥ 0).", replyTo: message.Id));
            return;
        }

        var info = await streams.GetAsync(streamId, connection.Aborted);
        if (info is null)
        {
            metrics.Resume("not_found");
            connection.SendCritical(connection.Error(
                ErrorCodes.StreamNotFound, "The stream does not exist or its retention has expired.", replyTo: message.Id, streamId: streamId));
            return;
        }

        // Same answer for "not yours" as for "not there" would hide existence; we say forbidden, but never send data.
        if (info.OwnerId != connection.IdentityId)
        {
            metrics.Resume("forbidden");
            connection.SendCritical(connection.Error(
                ErrorCodes.Forbidden, "This stream belongs to another identity.", replyTo: message.Id, streamId: streamId));
            return;
        }

        var from = seqText is null ? StreamPosition.Beginning : StreamPosition.AfterChunk(seq);
        var followed = connection.TryFollow(streamId, from);
        metrics.Resume(followed ? "resumed" : "refused");
        if (followed && !connection.ClientAcknowledges && seq >= 0)
        {
            // The client has every chunk up to seq. Without flow=ack the gateway acknowledges for it, but only
            // what it writes: an answer paused with all its chunks already delivered (its reader was closed as a
            // slow consumer) would otherwise wait for an acknowledgement nobody sends.
            await signals.AcknowledgeAsync(streamId, seq, connection.Aborted);
        }

        if (!followed)
        {
            connection.SendCritical(connection.Error(
                ErrorCodes.InvalidMessage, "The stream is already followed on this connection, or too many are.", retryable: true,
                replyTo: message.Id, streamId: streamId));
        }
    }
}
