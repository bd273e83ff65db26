using System.Net.Http.Json;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Client;
using AspireAgent.Protocol.Encoding;
using Microsoft.AspNetCore.Components;

namespace AspireAgent.Web.Client.Chat;

/// <summary>
/// The chat's state and its one <see cref="AgentClient"/>: the page renders this and calls its methods.
/// Changing the encoding replaces the client (the subprotocol is fixed per socket); the conversation and the
/// persisted identity carry over, so the new connection continues the same conversation.
/// </summary>
/// <remarks>
/// The client reconnects by itself and resumes the answer in progress; the session only shows what it does.
/// Chunks are acknowledged after the page rendered them (<see cref="AfterRenderAsync"/>), so the producer
/// never runs more than its window ahead of what the user actually sees.
/// </remarks>
public sealed partial class ChatSession(HttpClient http, BrowserStorage storage, NavigationManager navigation) : IAsyncDisposable
{
    private List<ChatTurn> _turns = [];
    private AgentClient? _client;
    private Uri? _endpoint;
    private string? _accessTokenKey;
    private string? _persistedToken;

    /// <summary>Raised whenever anything shown changed; may come from the client's loops.</summary>
    public event Action? Changed;

    public IReadOnlyList<ChatTurn> Turns => _turns;

    public AgentConnectionState State => _client?.State ?? AgentConnectionState.Disconnected;

    /// <summary>The reconnect under way, for "Reconnecting in 4 s (attempt 3)"; null when not reconnecting.</summary>
    public ReconnectStatus? Reconnect => _client?.Reconnect;

    public WireEncoding Encoding { get; private set; } = WireEncoding.Json;

    /// <summary>The encoding the live connection uses, as confirmed by its welcome; null while not connected.</summary>
    public WireEncoding? ConnectedEncoding => _client is { IsOpen: true } client ? client.Encoding : null;

    public string? Node => _client?.Node;

    public string? IdentityId => _client?.IdentityId;

    /// <summary>Why the connection is not usable, or the last notice from the server; null when all is well.</summary>
    public string? Notice { get; private set; }

    public ChatTurn? Streaming => _turns.LastOrDefault(t => t.Role == TurnRole.Assistant && t.State is TurnState.Waiting or TurnState.Streaming);

    public bool CanSend => _client is { IsOpen: true } && Streaming is null;

    /// <summary>Stop works while connected; during a reconnect the interrupt would have nowhere to go.</summary>
    public bool CanStop => _client is { IsOpen: true } && Streaming?.StreamId is not null;

    public async Task StartAsync()
    {
        if (Enum.TryParse<WireEncoding>(await storage.GetAsync(BrowserStorage.EncodingKey), out var saved))
        {
            Encoding = saved;
        }

        try
        {
            var config = await http.GetFromJsonAsync<ClientConfig>(ClientConfig.Path)
                ?? throw new InvalidOperationException("The host sent an empty client configuration.");
            _endpoint = GatewayAddress.Resolve(config.GatewayUrl, navigation.BaseUri);
            _accessTokenKey = config.AccessTokenStorageKey;
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            Notice = $"Could not read the gateway address from the host: {ex.Message}";
            Changed?.Invoke();
            return;
        }

        var conversationId = await storage.GetAsync(BrowserStorage.ConversationKey);
        await ConnectAsync();
        await RestoreAsync(conversationId);
    }

    /// <summary>A new socket in the other encoding; the open conversation, and an answer streaming in it, carry over.</summary>
    public async Task ChangeEncodingAsync(WireEncoding encoding)
    {
        Encoding = encoding;
        await storage.SetAsync(BrowserStorage.EncodingKey, encoding.ToString());
        await StopFollowingAsync();
        await ConnectAsync();
        await RestoreAsync(ConversationId);
    }

    /// <summary>Drops the current connection, if any, and opens a new one with the stored identity.</summary>
    public async Task ConnectAsync()
    {
        if (_endpoint is null)
        {
            return;
        }

        await DisposeClientAsync();
        var client = new AgentClient(new AgentClientOptions
        {
            Endpoint = _endpoint,
            Encoding = Encoding,
            IdentityToken = await storage.GetAsync(BrowserStorage.IdentityTokenKey),

            // Read before every (re)connect, so a token the sign-in refreshed is the one presented.
            AccessTokenProvider = _accessTokenKey is { } key ? _ => storage.GetAsync(key) : null,

            // A browser cannot see WebSocket pings: the client pings, and notices a silent server itself.
            Heartbeat = HeartbeatHint.Application,

            // Acknowledged after the render, not when the chunk is taken (see AfterRenderAsync).
            AcknowledgeChunks = true,
            ManualAcknowledgement = true,
        });
        client.StateChanged += OnStateChanged;
        client.ReconnectChanged += OnReconnectChanged;
        client.UnhandledMessage += OnUnhandledMessage;
        _client = client;
        Notice = null;
        await OpenAsync(client.ConnectAsync);
    }

    /// <summary>While reconnecting: attempt now. After a failure: start over with the same client and identity.</summary>
    public async Task RetryAsync()
    {
        if (_client is not { } client)
        {
            await ConnectAsync();
            return;
        }

        Notice = null;
        await OpenAsync(client.RetryNowAsync);
    }

    public async Task SendAsync(string text)
    {
        if (_client is not { } client || !CanSend || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var question = text.Trim();
        var conversationId = ConversationId;
        var answer = new ChatTurn(TurnRole.Assistant) { Question = question };
        _turns.Add(new ChatTurn(TurnRole.User, question));
        _turns.Add(answer);
        Changed?.Invoke();
        await storage.SetAsync(BrowserStorage.ConversationKey, conversationId);
        await FollowAsync(answer, token => client.StreamAnswerAsync(conversationId, question, token));
    }

    /// <summary>Asks the question of the last answer again (regenerate, or after a lost answer).</summary>
    public Task AskAgainAsync() =>
        _turns.LastOrDefault(t => t.Role == TurnRole.Assistant)?.Question is { } question ? SendAsync(question) : Task.CompletedTask;

    /// <summary>Asks the server to stop the answer that is streaming; its end still arrives.</summary>
    public async Task StopAsync()
    {
        if (_client is { IsOpen: true } client && Streaming?.StreamId is { } streamId)
        {
            try
            {
                await client.InterruptAsync(streamId);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Net.WebSockets.WebSocketException)
            {
                // The connection went away in between; the answer resumes after the reconnect and can be stopped then.
                Notice = $"Could not stop the answer: {ex.Message}";
                Changed?.Invoke();
            }
        }
    }

    /// <summary>
    /// Called by the page after every render: acknowledges the chunks now on screen, and persists an identity
    /// token a (re)connection brought. Both happen here, on the render cycle, rather than in the client's
    /// event handlers, which must not start work of their own.
    /// </summary>
    public async Task AfterRenderAsync()
    {
        if (_client is not { } client)
        {
            return;
        }

        if (Streaming is { StreamId: { } streamId } turn && turn.LastSeq > turn.AcknowledgedSeq)
        {
            client.Acknowledge(streamId, turn.LastSeq);
            turn.AcknowledgedSeq = turn.LastSeq;
        }

        if (client.IsOpen && client.IdentityToken is { } token && token != _persistedToken)
        {
            _persistedToken = token;
            await storage.SetAsync(BrowserStorage.IdentityTokenKey, token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopFollowingAsync();
        await DisposeClientAsync();
    }

    private async Task OpenAsync(Func<CancellationToken, Task> open)
    {
        try
        {
            await open(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The page is the last place a failure can be reported, so every one of them is shown, none thrown.
            Notice = $"Could not connect to {_endpoint}: {ex.Message}";
        }

        Changed?.Invoke();
    }

    private static void Apply(ChatTurn answer, AgentMessage message)
    {
        switch (message)
        {
            case AssistantStart start:
                (answer.StreamId, answer.Model, answer.Simulated, answer.State) = (start.StreamId, start.Model, start.Simulated, TurnState.Streaming);
                break;
            case AssistantChunk chunk:
                answer.Append(chunk);
                break;
            case ControlMessage { Action: ControlActions.Reset }:
                answer.Reset();
                break;
            case AssistantEnd end:
                answer.FullContent = end.FullContent;
                answer.ChunkCount = end.ChunkCount;
                answer.State = end.FinishReason switch
                {
                    FinishReason.Interrupted => TurnState.Interrupted,
                    FinishReason.Error => TurnState.Failed,
                    _ => TurnState.Complete,
                };
                break;
            case ErrorMessage error:
                answer.State = TurnState.Failed;
                answer.Lost = AnswerProblems.CanAskAgain(error.Code);
                answer.Error = AnswerProblems.Describe(error);
                break;
        }
    }

    private void OnStateChanged(AgentConnectionState state)
    {
        if (state == AgentConnectionState.Failed && _client is { } client)
        {
            Notice = $"Connection failed: {client.Failure?.Message ?? "closed"}";
        }
        else if (state == AgentConnectionState.Connected)
        {
            Notice = null; // back after a reconnect: whatever went wrong is over
        }

        Changed?.Invoke();
    }

    private void OnReconnectChanged(ReconnectStatus status) => Changed?.Invoke();

    private void OnUnhandledMessage(AgentMessage message)
    {
        if (message is ErrorMessage error)
        {
            Notice = $"{error.Message} ({error.Code})";
            Changed?.Invoke();
        }
    }

    private async ValueTask DisposeClientAsync()
    {
        if (_client is { } client)
        {
            _client = null;
            client.StateChanged -= OnStateChanged;
            client.ReconnectChanged -= OnReconnectChanged;
            client.UnhandledMessage -= OnUnhandledMessage;
            await client.DisposeAsync();
        }
    }

}
