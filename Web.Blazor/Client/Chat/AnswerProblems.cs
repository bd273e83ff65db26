using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;

namespace AspireAgent.Web.Client.Chat;

/// <summary>What went wrong with an answer, in the words of the person reading it rather than the protocol's.</summary>
public static class AnswerProblems
{
    /// <summary>Whether asking the same question again is the way on.</summary>
    public static bool CanAskAgain(string code) =>
        code is ErrorCodes.StreamNotFound or ErrorCodes.Overloaded or ErrorCodes.ModelFailed or ErrorCodes.ConversationBusy or ErrorCodes.Internal;

    public static string Describe(ErrorMessage error) => error.Code switch
    {
        ErrorCodes.StreamNotFound =>
            "This answer is no longer available: the server keeps an answer only for a while, and that time passed while this page was away. Ask again to get a new one.",
        ErrorCodes.Overloaded => "The server is busy right now and could not take the question. Ask again in a moment.",
        ErrorCodes.ModelFailed => "The model failed while answering. Ask again to try once more.",
        ErrorCodes.ConversationBusy => "Another answer is still being written in this conversation. Wait for it, then ask again.",
        ErrorCodes.Forbidden => "This conversation belongs to another identity, so it cannot be shown here.",
        _ => $"{error.Message} ({error.Code})",
    };

    public static string Describe(Exception exception) => exception switch
    {
        AnswerLostException =>
            "The connection dropped before the answer started, so there is nothing to pick up again. Ask again to get an answer.",
        _ => $"The answer was cut off: {exception.Message}",
    };
}
