using System.Diagnostics;

namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>
/// The work of one client: answers one after another, each in a fresh conversation (so the prompt, and with it
/// the expected text, is known), until the deadline; bounded by a maximum count as well.
/// </summary>
internal sealed record StreamPlan(int Run, int Client, int TokenCount, long DeadlineTimestamp, int MaxAnswers)
{
    public bool MayStart(int answer) => answer < MaxAnswers && Stopwatch.GetTimestamp() < DeadlineTimestamp;

    public string ConversationId(int answer) => $"bench-{Run}-{Client}-{answer}-{Environment.ProcessId}";

    public string Question(int answer) => $"Question {Client} {answer} of run {Run}: how do the tokens flow through the gateway?";
}
