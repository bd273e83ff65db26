namespace AspireAgent.Inference.Batching;

/// <summary>Text from the model, stamped with <see cref="TimeProvider.GetTimestamp"/> when it arrived.</summary>
/// <remarks>
/// The stamp, not the moment the batcher reads the token, starts the batching delay, so a batcher that
/// falls behind does not add its own lag to the latency bound.
/// </remarks>
internal readonly record struct ModelToken(string Text, long ReceivedAt);
