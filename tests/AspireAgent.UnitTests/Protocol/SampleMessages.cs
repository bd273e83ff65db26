using AspireAgent.Protocol;

namespace AspireAgent.UnitTests.Protocol;

/// <summary>One message of every v1 type, with every optional field set, for round-trip tests.</summary>
internal static class SampleMessages
{
    public const long Ts = 1_764_000_000_123;

    public static AssistantChunk Chunk { get; } = new()
    {
        Id = "k3J9xQ2mPz8A", Timestamp = Ts, StreamId = "s_Xa81kQz0Lm2B", Seq = 41, Delta = "hello",
    };

    public static TheoryData<AgentMessage> All() =>
    [
        new UserMessage { Id = "m1", Timestamp = Ts, ConversationId = "c-1", Content = "Why is the sky blue? 天气很好 🌤" },
        new AssistantStart { Id = "m2", Timestamp = Ts, ConversationId = "c-1", StreamId = "s_1", Model = "llama3.2", Simulated = true, ReplyTo = "m1" },
        new AssistantStart { Id = "m2b", Timestamp = Ts, ConversationId = "c-1", StreamId = "s_1", Model = "simulated" },
        Chunk,
        new AssistantEnd
        {
            Id = "m3", Timestamp = Ts, StreamId = "s_1", FullContent = "Rayleigh scattering.", FinishReason = FinishReason.Interrupted,
            ChunkCount = 7, Usage = new Usage { PromptTokens = 12, CompletionTokens = 5, TimeToFirstTokenMs = 180, DurationMs = 950 },
        },
        new ControlMessage { Id = "m4", Timestamp = Ts, Action = ControlActions.Resume, Payload = new Dictionary<string, string> { ["streamId"] = "s_1", ["seq"] = "6" } },
        new ControlMessage { Id = "m5", Timestamp = Ts, Action = ControlActions.Ping },
        new ErrorMessage { Id = "m6", Timestamp = Ts, Code = ErrorCodes.Forbidden, Message = "no", Retryable = true, ReplyTo = "m1", StreamId = "s_1" },
        new ErrorMessage { Id = "m6b", Timestamp = Ts, Code = ErrorCodes.RateLimited, Message = "slow down", Retryable = true, ReplyTo = "m1", RetryAfterMs = 1500 },
        new ErrorMessage { Id = "m7", Timestamp = Ts, Code = ErrorCodes.UnknownType, Message = "what?" },
        new ConversationList
        {
            Id = "m8", Timestamp = Ts, ReplyTo = "r1",
            Conversations =
            [
                new ConversationSummary { ConversationId = "c-1", Title = "Why is the sky blue? 🌤", LastActivity = Ts, ActiveStreamId = "s_1" },
                new ConversationSummary { ConversationId = "c-2", Title = "", LastActivity = Ts - 5 },
            ],
        },
        new ConversationList { Id = "m9", Timestamp = Ts, ReplyTo = "r2", Conversations = [] },
        new ConversationHistory
        {
            Id = "m10", Timestamp = Ts, ReplyTo = "r3", ConversationId = "c-1", ActiveStreamId = "s_2",
            Turns =
            [
                new ConversationTurn { Role = TurnRoles.User, Content = "Why?\nBecause.", StreamId = "s_1" },
                new ConversationTurn { Role = TurnRoles.Assistant, Content = "# Rayleigh\n- scattering", StreamId = "s_1" },
                new ConversationTurn { Role = TurnRoles.User, Content = "and sunsets?" },
            ],
        },
    ];
}
