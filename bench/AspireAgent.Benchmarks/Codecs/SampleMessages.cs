using AspireAgent.Inference.Models.Simulated;
using AspireAgent.Protocol;
using Microsoft.Extensions.AI;

namespace AspireAgent.Benchmarks.Codecs;

/// <summary>
/// One realistic message of each type, with the sizes docs/protocol.md uses (12-character ids, 13-digit
/// timestamps, 14-character stream ids); <c>assistant.end</c> carries a whole 60-token simulated answer.
/// </summary>
public static class SampleMessages
{
    public const string UserMessage = "user.message";
    public const string Start = "assistant.start";
    public const string Chunk = "assistant.chunk";
    public const string End = "assistant.end";
    public const string Ping = "control.ping";
    public const string Pong = "control.pong";
    public const string Error = "error";

    private const long Ts = 1764000000123;
    private const string StreamId = "s_Xa81kQz0Lm2B";

    public static IEnumerable<string> Names => [UserMessage, Start, Chunk, End, Ping, Pong, Error];

    public static string Answer { get; } =
        string.Concat(SimulatedAnswer.Tokens([new ChatMessage(ChatRole.User, "How do tokens reach the browser?")], 60));

    public static AgentMessage Get(string name) => name switch
    {
        UserMessage => new UserMessage { Id = "u7Hq2LmX0pQa", Timestamp = Ts, ConversationId = "conv-3f9a2c", Content = "How do tokens reach the browser?" },
        Start => new AssistantStart
        {
            Id = "a1B2c3D4e5F6", Timestamp = Ts, ConversationId = "conv-3f9a2c", StreamId = StreamId,
            Model = "simulated", Simulated = true, ReplyTo = "u7Hq2LmX0pQa",
        },
        Chunk => new AssistantChunk { Id = "k3J9xQ2mPz8A", Timestamp = Ts, StreamId = StreamId, Seq = 41, Delta = "hello" },
        End => new AssistantEnd
        {
            Id = "e9Z8y7X6w5V4", Timestamp = Ts, StreamId = StreamId, FullContent = Answer, FinishReason = FinishReason.Stop, ChunkCount = 60,
            Usage = new Usage { PromptTokens = 6, CompletionTokens = 60, TimeToFirstTokenMs = 27, DurationMs = 1512 },
        },
        Ping => new ControlMessage { Id = "p0O9i8U7y6T5", Timestamp = Ts, Action = ControlActions.Ping },
        Pong => new ControlMessage
        {
            Id = "q1W2e3R4t5Y6", Timestamp = Ts, Action = ControlActions.Pong,
            Payload = new Dictionary<string, string> { [ControlKeys.ReplyTo] = "p0O9i8U7y6T5" },
        },
        Error => new ErrorMessage
        {
            Id = "r5T6y7U8i9O0", Timestamp = Ts, Code = ErrorCodes.ConversationBusy, Message = "The conversation already has an answer streaming.",
            Retryable = true, ReplyTo = "u7Hq2LmX0pQa",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
