using AspireAgent.Protocol;

namespace AspireAgent.IntegrationTests.ScaleOut.Infrastructure;

internal static class RunAssert
{
    /// <summary>
    /// The run ended normally with exactly the deterministic answer: contiguous seqs over the whole stream
    /// (0…n-1, no gap, no repeat, across reconnections), and the text since the last reset equal to both the
    /// end's full content and the expected answer: never text of an abandoned attempt mixed in.
    /// </summary>
    public static void CompleteAndWhole(ConversationRun run, int tokenCount, Func<string>? diagnostics = null)
    {
        var context = $"{run}{(diagnostics is null ? "" : Environment.NewLine + diagnostics())}";
        Assert.True(run.Failure is null, context);
        Assert.True(run.Error is null, context);
        Assert.True(run.End is not null, context);
        Assert.True(run.Violations.Count == 0, context);
        Assert.True(run.End!.FinishReason == FinishReason.Stop, context);
        Assert.True(Enumerable.Range(0, run.Seqs.Count).Select(i => (long)i).SequenceEqual(run.Seqs), context);
        Assert.True(run.End.ChunkCount == run.Seqs.Count, context);
        Assert.True(run.Text == run.End.FullContent, context);
        Assert.True(run.Text == ExpectedAnswer.For(run.Question, tokenCount), context);
    }
}
