using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace AspireAgent.Inference.Batching;

/// <summary>
/// Groups model tokens into chunk deltas: pending text is flushed as soon as it holds
/// <see cref="BatchingOptions.MaxChars"/> characters, or once its first character has waited
/// <see cref="BatchingOptions.MaxDelay"/>, whichever comes first; what is left is flushed when the tokens end.
/// A delta never ends between the two halves of a surrogate pair.
/// </summary>
internal sealed class TokenBatcher(IOptions<InferenceOptions> options, TimeProvider time)
{
    /// <summary>Yields deltas until <paramref name="tokens"/> completes, then the rest.</summary>
    public async IAsyncEnumerable<string> BatchAsync(
        ChannelReader<ModelToken> tokens, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var maxChars = options.Value.Batching.MaxChars;
        var maxDelay = options.Value.Batching.MaxDelay;
        var pending = new StringBuilder();
        var firstPendingAt = 0L;
        Task<bool>? nextToken = null;
        Deadline? deadline = null;

        try
        {
            while (true)
            {
                while (tokens.TryRead(out var token))
                {
                    if (pending.Length == 0)
                    {
                        firstPendingAt = token.ReceivedAt;
                    }

                    pending.Append(token.Text);
                    if (pending.Length >= maxChars && TakeDelta(pending, atEnd: false) is { } delta)
                    {
                        deadline?.Dispose();
                        deadline = null;
                        firstPendingAt = token.ReceivedAt;
                        yield return delta;
                    }
                }

                // A lone high surrogate waits for its other half, however long that takes.
                var waitingForPair = pending.Length == 1 && char.IsHighSurrogate(pending[0]);
                if (pending.Length > 0 && !waitingForPair && deadline is null)
                {
                    var remaining = maxDelay - time.GetElapsedTime(firstPendingAt);
                    if (remaining <= TimeSpan.Zero)
                    {
                        if (TakeDelta(pending, atEnd: false) is { } late)
                        {
                            yield return late;
                        }

                        continue;
                    }

                    deadline = new Deadline(remaining, time);
                }

                if (deadline is null && nextToken is null)
                {
                    // Nothing is due on time (no text pending, or a lone surrogate waiting for its pair): wait for
                    // tokens alone, on the channel's own reusable waiter, with no task or race per token.
                    if (!await tokens.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                // One wait for more tokens is kept across rounds: the deadline may win the race while it is pending.
                nextToken ??= tokens.WaitToReadAsync(cancellationToken).AsTask();
                if (deadline is not null && await Task.WhenAny(nextToken, deadline.Elapsed).ConfigureAwait(false) != nextToken)
                {
                    deadline.Dispose();
                    deadline = null;
                    if (TakeDelta(pending, atEnd: false) is { } due)
                    {
                        yield return due;
                    }

                    continue;
                }

                var more = await nextToken.ConfigureAwait(false);
                nextToken = null;
                if (!more)
                {
                    break;
                }
            }
        }
        finally
        {
            deadline?.Dispose();
        }

        if (TakeDelta(pending, atEnd: true) is { } rest)
        {
            yield return rest;
        }
    }

    /// <summary>Takes the pending text, keeping back a trailing high surrogate unless nothing can follow it.</summary>
    private static string? TakeDelta(StringBuilder pending, bool atEnd)
    {
        var length = pending.Length;
        if (!atEnd && length > 0 && char.IsHighSurrogate(pending[length - 1]))
        {
            length--;
        }

        if (length == 0)
        {
            return null;
        }

        var delta = pending.ToString(0, length);
        pending.Remove(0, length);
        return delta;
    }

    /// <summary>A cancellable delay on the injected clock, so that a flush by size releases its timer.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();

        public Deadline(TimeSpan delay, TimeProvider time)
        {
            Elapsed = Task.Delay(delay, time, _cancel.Token);
        }

        public Task Elapsed { get; }

        public void Dispose()
        {
            _cancel.Cancel();
            _cancel.Dispose();
        }
    }
}
