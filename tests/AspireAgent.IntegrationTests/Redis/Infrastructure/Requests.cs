using AspireAgent.Bus;
using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.Redis.Infrastructure;

internal static class Requests
{
    public static ChatRequest New(string? streamId = null) => new()
    {
        StreamId = streamId ?? "s_" + MessageIds.New(),
        ConversationId = "c_" + MessageIds.New(),
        OwnerId = "u_owner",
        UserMessageId = MessageIds.New(),
        History = [new ChatTurn(TurnRole.User, "hello")],
        SubmittedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Reads leases for <paramref name="consumer"/> until <paramref name="count"/> came or <paramref name="within"/> passed.</summary>
    public static async Task<List<RequestLease>> TakeAsync(IRequestQueue queue, string consumer, int count, TimeSpan within)
    {
        var leases = new List<RequestLease>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(within);
        try
        {
            await foreach (var lease in queue.ReadAsync(consumer, limit.Token))
            {
                leases.Add(lease);
                if (leases.Count == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        return leases;
    }
}
