using AspireAgent.Inference;
using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Inference;

public sealed class SimulatedChatClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Gives_the_same_answer_to_the_same_history()
    {
        ChatMessage[] history = [new(ChatRole.User, "Hello"), new(ChatRole.Assistant, "Hi."), new(ChatRole.User, "How do streams resume?")];

        var first = await AnswerAsync(history);
        var second = await AnswerAsync(history.Select(m => new ChatMessage(m.Role, m.Text)).ToArray());

        Assert.Equal(first, second);
        Assert.NotEmpty(first);
    }

    [Fact]
    public async Task Gives_different_answers_to_different_prompts()
    {
        var answers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var question in new[] { "How do streams resume?", "How do streams resume!", "What is backpressure?", "hello" })
        {
            answers.Add(await AnswerAsync([new ChatMessage(ChatRole.User, question)]));
        }

        Assert.Equal(4, answers.Count);
        Assert.NotEqual(
            await AnswerAsync([new ChatMessage(ChatRole.User, "Same words")]),
            await AnswerAsync([new ChatMessage(ChatRole.Assistant, "Same words")]));
    }

    [Fact]
    public async Task Emits_words_with_their_separators_as_markdown_and_reports_usage_last()
    {
        var client = Client(new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) }, tokensPerSecond: 40, tokenCount: 25);

        var updates = await ToListAsync(client.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.User, "three word prompt")], cancellationToken: TestContext.Current.CancellationToken));

        var tokens = updates.Where(u => u.Text.Length > 0).Select(u => u.Text).ToList();
        Assert.Equal(25, tokens.Count);
        Assert.DoesNotContain(' ', tokens[0]);
        Assert.All(tokens.Skip(1), token => Assert.Matches(@"^\s+\S+$", token));
        Assert.EndsWith(".", tokens[^1]);

        // A heading, a list and a fenced code block, so the UI's markdown rendering has something to show.
        var text = string.Concat(tokens);
        Assert.StartsWith("## ", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split('\n').Count(line => line.StartsWith("- ", StringComparison.Ordinal)));
        Assert.Contains("\n\n```csharp\n", text, StringComparison.Ordinal);
        Assert.Contains("\n```\n\n", text, StringComparison.Ordinal);

        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(3, usage.InputTokenCount);
        Assert.Equal(25, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Paces_tokens_at_TokensPerSecond_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var client = Client(time, tokensPerSecond: 10, tokenCount: 3);
        await using var updates = client.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.User, "pace me")], cancellationToken: TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        for (var token = 0; token < 3; token++)
        {
            var next = updates.MoveNextAsync().AsTask();
            time.Advance(TimeSpan.FromMilliseconds(99));
            Assert.False(next.IsCompleted, $"token {token} came before its 100 ms");

            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await next.WaitAsync(Wait, TestContext.Current.CancellationToken));
            Assert.NotEmpty(updates.Current.Text);
        }

        // The usage follows the last token at once, then the stream ends.
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Contains(updates.Current.Contents, c => c is UsageContent);
        Assert.False(await updates.MoveNextAsync().AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stops_when_cancelled_while_waiting_for_the_next_token()
    {
        var time = new FakeTimeProvider();
        using var cancellation = new CancellationTokenSource();
        await using var updates = Client(time, tokensPerSecond: 10, tokenCount: 5)
            .GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "cancel me")], cancellationToken: cancellation.Token)
            .GetAsyncEnumerator(TestContext.Current.CancellationToken);

        var next = updates.MoveNextAsync().AsTask();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    private static SimulatedChatClient Client(TimeProvider time, double tokensPerSecond = 40, int tokenCount = 60) =>
        new(Options.Create(new SimulatedModelOptions { TokensPerSecond = tokensPerSecond, TokenCount = tokenCount }), time);

    // A clock that moves a second per reading never makes the client wait, so the text comes at once.
    private static async Task<string> AnswerAsync(ChatMessage[] history)
    {
        var client = Client(new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) });
        var response = await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        return response.Text;
    }

    private static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
