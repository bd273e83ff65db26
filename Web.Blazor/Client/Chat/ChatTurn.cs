using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Web.Client.Markdown;

namespace AspireAgent.Web.Client.Chat;

public enum TurnRole
{
    User,
    Assistant,
}

/// <summary>Where an assistant turn is; rendered as <c>data-state</c> for styling and tests.</summary>
public enum TurnState
{
    /// <summary>Sent, no assistant.start yet.</summary>
    Waiting,
    Streaming,
    Complete,
    Interrupted,
    Failed,
}

/// <summary>One bubble of the conversation. Assistant text grows chunk by chunk while it streams.</summary>
public sealed class ChatTurn
{
    private readonly StringBuilder _text = new();

    public ChatTurn(TurnRole role, string text = "")
    {
        Role = role;
        State = role == TurnRole.User ? TurnState.Complete : TurnState.Waiting;
        _text.Append(text);
        if (role == TurnRole.Assistant && text.Length > 0)
        {
            Markdown.Append(text);
        }
    }

    public TurnRole Role { get; }

    /// <summary>The raw text (markdown for an answer); built on demand, so not on every render.</summary>
    public string Text => _text.ToString();

    public int Length => _text.Length;

    /// <summary>An answer's text as HTML, rendered incrementally as it streams.</summary>
    public StreamingMarkdown Markdown { get; } = new();

    public TurnState State { get; set; }

    public string? StreamId { get; set; }

    public string? Model { get; set; }

    public bool Simulated { get; set; }

    /// <summary>assistant.end's fullContent, kept apart from <see cref="Text"/> so the two can be compared.</summary>
    public string? FullContent { get; set; }

    public long ChunksReceived { get; private set; }

    public long? ChunkCount { get; set; }

    public string? Error { get; set; }

    /// <summary>The answer is gone and asking again is the way on (shown with an "Ask again" button).</summary>
    public bool Lost { get; set; }

    /// <summary>For an assistant turn: the question it answers, so it can be asked again.</summary>
    public string? Question { get; set; }

    /// <summary>The seq of the last chunk appended, −1 before any: what a render shows, and so what may be acknowledged.</summary>
    public long LastSeq { get; private set; } = -1;

    /// <summary>The highest seq acknowledged to the client after a render, −1 before any.</summary>
    public long AcknowledgedSeq { get; set; } = -1;

    /// <summary>A worker took the answer over and streams it again: the text so far is void.</summary>
    public void Reset()
    {
        _text.Clear();
        Markdown.Clear();
        ChunksReceived = 0;
    }

    public void Append(AssistantChunk chunk)
    {
        _text.Append(chunk.Delta);
        Markdown.Append(chunk.Delta);
        LastSeq = chunk.Seq;
        ChunksReceived++;
    }
}
