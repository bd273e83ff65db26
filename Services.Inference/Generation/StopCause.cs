namespace AspireAgent.Inference.Generation;

/// <summary>Why an answer's model call was cancelled before the model finished; the first cause wins.</summary>
internal enum StopCause
{
    None,

    /// <summary><see cref="InferenceOptions.MaxAnswerDuration"/> passed: finish reason <c>length</c>.</summary>
    Deadline,

    /// <summary>The stream reached <c>Bus:MaxChunksPerStream</c> or <c>Bus:MaxBytesPerStream</c>: finish reason <c>length</c>.</summary>
    ChunkLimit,

    /// <summary>The worker is stopping: finish reason <c>error</c>.</summary>
    Shutdown,

    /// <summary>The client interrupted the answer: finish reason <c>interrupted</c>, with the text so far.</summary>
    Interrupted,

    /// <summary>The client stayed a window behind for longer than <c>Backpressure:MaxPause</c>: finish reason <c>error</c>.</summary>
    Stalled,

    /// <summary>Writing the answer failed, so generating more is pointless.</summary>
    Failed,
}
