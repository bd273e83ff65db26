using System.Diagnostics;
using AspireAgent.Bus;
using AspireAgent.Inference.Models;
using AspireAgent.Protocol;

namespace AspireAgent.Inference.Diagnostics;

/// <summary>The worker's spans: one per answer, joined to the gateway's trace through the request's traceparent.</summary>
internal static class InferenceTelemetry
{
    public const string SourceName = "AspireAgent.Inference";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartAnswer(ChatRequest request, InferenceModel model)
    {
        var parent = request.TraceParent is { } traceParent
            && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context)
                ? context
                : default;
        var activity = Source.StartActivity("inference.answer", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.request.model", model.Name);
            activity.SetTag("aspireagent.conversation_id", request.ConversationId);
            activity.SetTag("aspireagent.stream_id", request.StreamId);
            activity.SetTag("aspireagent.simulated", model.IsSimulated);
        }

        return activity;
    }

    public static void Ended(Activity? activity, AssistantEnd end)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gen_ai.response.finish_reasons", end.FinishReason.ToString().ToLowerInvariant());
        activity.SetTag("gen_ai.usage.input_tokens", end.Usage.PromptTokens);
        activity.SetTag("gen_ai.usage.output_tokens", end.Usage.CompletionTokens);
        activity.SetTag("aspireagent.chunk_count", end.ChunkCount);
        activity.SetTag("aspireagent.time_to_first_token_ms", end.Usage.TimeToFirstTokenMs);
        if (end.FinishReason == FinishReason.Error)
        {
            activity.SetStatus(ActivityStatusCode.Error, "The answer ended with an error.");
        }
    }

    public static void Failed(Activity? activity, Exception exception)
    {
        activity?.AddException(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
    }
}
