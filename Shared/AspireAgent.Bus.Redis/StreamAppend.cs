using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// One stream's part of an append call (<see cref="StreamScripts.Append"/>): its two keys and its arguments — id,
/// epoch, event count, four per event — and, once Redis answered, the stream's outcome.
/// </summary>
/// <remarks>
/// Continuations run on the thread that completes it (the append loop): what follows an append is the writer
/// queueing its next batch, too little to be worth a hand-off to the thread pool per chunk.
/// </remarks>
internal sealed class StreamAppend(RedisKey meta, RedisKey events, RedisValue[] values) : TaskCompletionSource<string>
{
    public RedisKey Meta => meta;

    public RedisKey Events => events;

    /// <summary>Stream id, epoch, event count, then kind, seq, text bytes and event bytes per event.</summary>
    public RedisValue[] Values => values;

    /// <summary>The hash slot of the stream's keys, which a call on a Redis Cluster may not mix.</summary>
    public int Slot => HashSlot.Of((string)meta!);

    /// <summary>
    /// Sends <paramref name="appends"/> as one script call (their keys must be allowed together: one slot, or a
    /// Redis that is not a cluster) and completes each with its stream's outcome, or all with the call's failure.
    /// </summary>
    public static async Task SendAsync(IDatabaseAsync database, IReadOnlyList<StreamAppend> appends, RedisValue[] common)
    {
        var keys = new RedisKey[appends.Count * 2];
        var length = common.Length;
        for (var i = 0; i < appends.Count; i++)
        {
            keys[i * 2] = appends[i].Meta;
            keys[i * 2 + 1] = appends[i].Events;
            length += appends[i].Values.Length;
        }

        var args = new RedisValue[length];
        common.CopyTo(args, 0);
        var at = common.Length;
        foreach (var append in appends)
        {
            append.Values.CopyTo(args, at);
            at += append.Values.Length;
        }

        RedisResult[] outcomes;
        try
        {
            outcomes = (RedisResult[])(await StreamScripts.Append.EvaluateAsync(database, keys, args).ConfigureAwait(false))!;
        }
        catch (Exception exception)
        {
            foreach (var append in appends)
            {
                append.TrySetException(exception);
            }

            return;
        }

        for (var i = 0; i < appends.Count; i++)
        {
            appends[i].TrySetResult((string?)outcomes[i] ?? string.Empty);
        }
    }
}
