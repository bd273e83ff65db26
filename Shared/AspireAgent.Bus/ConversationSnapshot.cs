namespace AspireAgent.Bus;

/// <summary>A conversation as a list shows it: the title is the start of its first user message.</summary>
public sealed record ConversationSummary(string ConversationId, string Title, DateTimeOffset LastActivity, string? ActiveStreamId);

/// <summary>A conversation read whole: who owns it, its kept turns (oldest first) and the answer in progress.</summary>
public sealed record ConversationSnapshot(
    string ConversationId,
    string OwnerId,
    string Title,
    DateTimeOffset LastActivity,
    string? ActiveStreamId,
    IReadOnlyList<ChatTurn> Turns)
{
    /// <summary>Characters of the first user message kept as a conversation's title.</summary>
    public const int TitleLength = 80;

    public static string TitleOf(string firstMessage)
    {
        var line = firstMessage.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        line = end >= 0 ? line[..end] : line;
        var length = Math.Min(line.Length, TitleLength);
        if (length < line.Length && char.IsHighSurrogate(line[length - 1]))
        {
            length--; // never half a character
        }

        return line[..length].ToString();
    }

    public ConversationSummary Summary => new(ConversationId, Title, LastActivity, ActiveStreamId);
}
