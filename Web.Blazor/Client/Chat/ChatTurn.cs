using System.Text;

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
public sealed class ChatTurn(TurnRole role, string text = "")
{
    private readonly StringBuilder _text = new(text);

    public TurnRole Role { get; } = role;

    public string Text => _text.ToString();

    public TurnState State { get; set; } = role == TurnRole.User ? TurnState.Complete : TurnState.Waiting;

    public string? StreamId { get; set; }

    public string? Model { get; set; }

    public bool Simulated { get; set; }

    /// <summary>assistant.end's fullContent, kept apart from <see cref="Text"/> so the two can be compared.</summary>
    public string? FullContent { get; set; }

    public long ChunksReceived { get; private set; }

    public long? ChunkCount { get; set; }

    public string? Error { get; set; }

    public void Append(string delta)
    {
        _text.Append(delta);
        ChunksReceived++;
    }
}
