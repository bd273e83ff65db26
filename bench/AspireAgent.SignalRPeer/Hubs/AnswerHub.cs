using AspireAgent.Bench.Answers;
using Microsoft.AspNetCore.SignalR;

namespace AspireAgent.SignalRPeer.Hubs;

/// <summary>One streaming method: the simulated answer to <paramref name="content"/>, chunk by chunk.</summary>
internal sealed class AnswerHub(SimulatedAnswerSource answers) : Hub
{
    public IAsyncEnumerable<AnswerChunk> Answer(string content, CancellationToken cancellationToken) =>
        answers.StreamAsync(content, finished: null, cancellationToken);
}
