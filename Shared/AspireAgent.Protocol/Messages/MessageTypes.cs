namespace AspireAgent.Protocol;

/// <summary>The closed set of <c>type</c> values of protocol v1.</summary>
public static class MessageTypes
{
    public const string UserMessage = "user.message";
    public const string AssistantStart = "assistant.start";
    public const string AssistantChunk = "assistant.chunk";
    public const string AssistantEnd = "assistant.end";
    public const string Control = "control";
    public const string Error = "error";
    public const string ConversationList = "conversation.list";
    public const string ConversationHistory = "conversation.history";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        UserMessage, AssistantStart, AssistantChunk, AssistantEnd, Control, Error, ConversationList, ConversationHistory,
    };
}
