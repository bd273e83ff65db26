namespace AspireAgent.Socket.Flow;

/// <summary>A cumulative acknowledgement: the client was given every chunk of the stream up to <see cref="Seq"/>.</summary>
internal readonly record struct StreamAck(string StreamId, long Seq);
