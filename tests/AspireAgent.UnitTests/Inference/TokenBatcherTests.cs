using System.Threading.Channels;
using AspireAgent.Inference;
using AspireAgent.Inference.Batching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Inference;

public sealed class TokenBatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();

    // Synchronous continuations let the batcher take each token inside TryWrite, on the test's clock reading.
    private readonly Channel<ModelToken> _tokens = Channel.CreateUnbounded<ModelToken>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });

    [Fact]
    public async Task Flushes_as_soon_as_pending_text_reaches_MaxChars()
    {
        await using var batches = Batch(maxChars: 4, maxDelay: TimeSpan.FromMinutes(1));

        var next = batches.MoveNextAsync().AsTask();
        Write("a");
        Write("b");
        Write("c");
        Assert.False(next.IsCompleted);

        Write("d");
        Assert.Equal("abcd", await Current(batches, next));

        next = batches.MoveNextAsync().AsTask();
        Write("ef");
        Assert.False(next.IsCompleted);
        Write("ghi");
        Assert.Equal("efghi", await Current(batches, next));
    }

    [Fact]
    public async Task Flushes_exactly_MaxDelay_after_the_first_pending_character()
    {
        await using var batches = Batch(maxChars: 100, maxDelay: TimeSpan.FromMilliseconds(15));

        var next = batches.MoveNextAsync().AsTask();
        Write("a");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Write("b");
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(next.IsCompleted, "nothing may be flushed at T-1 ms");

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ab", await Current(batches, next));

        // The next delay starts with the next character, not with the previous flush.
        next = batches.MoveNextAsync().AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(40));
        Write("c");
        _time.Advance(TimeSpan.FromMilliseconds(14));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("c", await Current(batches, next));
    }

    [Fact]
    public async Task Flushes_the_rest_when_the_tokens_end()
    {
        await using var batches = Batch(maxChars: 100, maxDelay: TimeSpan.FromMinutes(1));

        var next = batches.MoveNextAsync().AsTask();
        Write("the rest");
        Assert.False(next.IsCompleted);

        _tokens.Writer.Complete();
        Assert.Equal("the rest", await Current(batches, next));
        Assert.False(await batches.MoveNextAsync().AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Keeps_a_surrogate_pair_in_one_delta_when_a_flush_falls_between_its_halves()
    {
        await using var batches = Batch(maxChars: 2, maxDelay: TimeSpan.FromMilliseconds(15));

        var next = batches.MoveNextAsync().AsTask();
        Write("a\uD83D");
        Assert.Equal("a", await Current(batches, next));

        // The lone high surrogate outlives its deadline rather than be sent alone.
        next = batches.MoveNextAsync().AsTask();
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(next.IsCompleted);

        Write("\uDE00");
        Assert.Equal("\uD83D\uDE00", await Current(batches, next));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Never_splits_a_surrogate_pair_however_tokens_cut_the_text(int maxChars)
    {
        const string text = "Smile 😀, rocket 🚀 and 𝄞 music: 👍🏽 done 🎉🎉.";
        var random = new Random(maxChars);
        var position = 0;
        while (position < text.Length)
        {
            // Cuts anywhere, between surrogate halves too, as a byte-level tokenizer may.
            var length = Math.Min(1 + random.Next(3), text.Length - position);
            Write(text.Substring(position, length));
            position += length;
        }

        _tokens.Writer.Complete();
        var deltas = new List<string>();
        await foreach (var delta in Batcher(maxChars, TimeSpan.Zero).BatchAsync(_tokens.Reader, TestContext.Current.CancellationToken))
        {
            deltas.Add(delta);
        }

        Assert.Equal(text, string.Concat(deltas));
        Assert.All(deltas, delta =>
        {
            Assert.False(char.IsHighSurrogate(delta[^1]), $"'{delta}' ends with a high surrogate");
            Assert.False(char.IsLowSurrogate(delta[0]), $"'{delta}' starts with a low surrogate");
        });
    }

    [Fact]
    public async Task Flushes_a_lone_high_surrogate_at_the_end_since_nothing_can_follow_it()
    {
        await using var batches = Batch(maxChars: 1, maxDelay: TimeSpan.FromMilliseconds(15));

        var next = batches.MoveNextAsync().AsTask();
        Write("\uD83D");
        _tokens.Writer.Complete();

        Assert.Equal("\uD83D", await Current(batches, next));
    }

    private IAsyncEnumerator<string> Batch(int maxChars, TimeSpan maxDelay) =>
        Batcher(maxChars, maxDelay).BatchAsync(_tokens.Reader, TestContext.Current.CancellationToken).GetAsyncEnumerator();

    private TokenBatcher Batcher(int maxChars, TimeSpan maxDelay) =>
        new(Options.Create(new InferenceOptions { Batching = { MaxChars = maxChars, MaxDelay = maxDelay } }), _time);

    private void Write(string text) => Assert.True(_tokens.Writer.TryWrite(new ModelToken(text, _time.GetTimestamp())));

    private static async Task<string> Current(IAsyncEnumerator<string> batches, Task<bool> next)
    {
        Assert.True(await next.WaitAsync(Wait, TestContext.Current.CancellationToken));
        return batches.Current;
    }
}
