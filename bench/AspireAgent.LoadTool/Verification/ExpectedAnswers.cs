using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;

namespace AspireAgent.LoadTool.Verification;

/// <summary>
/// The text the simulated model gives a fresh conversation whose only turn is <c>content</c>, from the model's own
/// code: the gateway's worker sends exactly that prompt, and so does the SignalR peer.
/// </summary>
internal static class ExpectedAnswers
{
    public static string For(string content, int tokenCount) =>
        string.Concat(SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, content)], tokenCount));
}
