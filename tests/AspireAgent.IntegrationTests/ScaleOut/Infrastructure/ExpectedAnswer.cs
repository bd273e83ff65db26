using AspireAgent.Inference.Models.Simulated;
using Microsoft.Extensions.AI;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

/// <summary>The simulated model's answer to a first question: deterministic, so every client knows what it must end with.</summary>
internal static class ExpectedAnswer
{
    public static string For(string question, int tokenCount) =>
        string.Concat(SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, question)], tokenCount));
}
