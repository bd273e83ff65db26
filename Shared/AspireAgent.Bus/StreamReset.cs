using System.Globalization;
using AspireAgent.Protocol;

namespace AspireAgent.Bus;

/// <summary>The <see cref="ControlActions.Reset"/> event of a stream: how a takeover is written and recognised.</summary>
public static class StreamReset
{
    public static ControlMessage Create(string streamId, long nextSeq, long attempt, long timestampMs) => new()
    {
        Id = MessageIds.New(),
        Timestamp = timestampMs,
        Action = ControlActions.Reset,
        Payload = new Dictionary<string, string>
        {
            [ControlKeys.StreamId] = streamId,
            [ControlKeys.Seq] = nextSeq.ToString(CultureInfo.InvariantCulture),
            [ControlKeys.Attempt] = attempt.ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>True when <paramref name="message"/> is a reset; <paramref name="nextSeq"/> is the seq the new attempt starts at.</summary>
    public static bool TryRead(AgentMessage message, out long nextSeq)
    {
        nextSeq = -1;
        return message is ControlMessage { Action: ControlActions.Reset } reset
            && long.TryParse(reset.Get(ControlKeys.Seq), NumberStyles.None, CultureInfo.InvariantCulture, out nextSeq);
    }
}
