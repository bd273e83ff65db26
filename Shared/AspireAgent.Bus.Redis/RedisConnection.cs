using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The bus's view of the process's one multiplexer (the one <c>AddRedisClient</c> registers, see
/// <see cref="Configure"/>). It never gives up on Redis: it starts even when Redis is down and reconnects by
/// itself (commands issued meanwhile wait in its backlog), and on every reconnection it tells the live readers
/// and watches, which may have missed pub/sub messages while the link was down.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IReconnectAware, byte> _listeners = new();
    private TaskCompletionSource _restored = NewSignal();
    // 0 until a server has answered, then 1 for a cluster and 2 for a plain Redis.
    private int _topology;

    public RedisConnection(IConnectionMultiplexer multiplexer, RedisKeys keys, ILogger<RedisConnection> logger)
    {
        Keys = keys;
        _logger = logger;
        _multiplexer = multiplexer;
        _multiplexer.ConnectionFailed += OnFailed;
        _multiplexer.ConnectionRestored += OnRestored;
        if (!_multiplexer.IsConnected)
        {
            LogStartedDisconnected(string.Join(",", _multiplexer.GetEndPoints().Select(e => e.ToString())));
        }
    }

    /// <summary>What the bus needs of the multiplexer, applied to the connection string's own settings.</summary>
    public static void Configure(ConfigurationOptions configuration)
    {
        // Start (and keep retrying) without Redis: nodes and workers must outlive a Redis restart.
        configuration.AbortOnConnectFail = false;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
        // The default socket manager reads on its own threads and hands each reply and pub/sub message on to the
        // thread pool, one more thread switch per message; a chunk through Redis costs several messages. Reading
        // on the thread pool saves that switch (BENCHMARKS.md §6).
        configuration.SocketManager = SocketManager.ThreadPool;
        configuration.ClientName ??= $"aspireagent-{Environment.MachineName}-{Environment.ProcessId}";
    }

    public RedisKeys Keys { get; }

    public IConnectionMultiplexer Multiplexer => _multiplexer;

    public IDatabase Database => _multiplexer.GetDatabase();

    public ISubscriber Subscriber => _multiplexer.GetSubscriber();

    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>
    /// Whether commands must keep their keys in one hash slot: true on a Redis Cluster (or a proxy in front of one),
    /// and while no server has answered yet, which is the safe guess. Once known it is remembered: a Redis does
    /// not become a cluster under a running process.
    /// </summary>
    public bool IsCluster => Known ?? LearnTopology() ?? true;

    /// <summary><see cref="IsCluster"/>, waiting for Redis to answer when it has not yet.</summary>
    public async ValueTask<bool> IsClusterAsync()
    {
        if ((Known ?? LearnTopology()) is { } known)
        {
            return known;
        }

        await Database.PingAsync().ConfigureAwait(false);
        return LearnTopology() ?? true;
    }

    private bool? Known => Volatile.Read(ref _topology) switch { 1 => true, 2 => false, _ => null };

    private bool? LearnTopology()
    {
        var connected = _multiplexer.GetServers().Where(server => server.IsConnected).ToList();
        if (connected.Count == 0)
        {
            return null;
        }

        var cluster = connected.Any(server => server.ServerType is not (ServerType.Standalone or ServerType.Sentinel));
        Volatile.Write(ref _topology, cluster ? 1 : 2);
        return cluster;
    }

    /// <summary>
    /// Ends a subscription of a reader that is going away. Best effort: when Redis is away the subscription dies
    /// with the connection; at shutdown the multiplexer's tracing (disposed by the container before the bus's own
    /// services) may refuse the command, and the subscription ends with the multiplexer anyway.
    /// </summary>
    public static async ValueTask UnsubscribeQuietlyAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Completes at the next reconnection.</summary>
    public Task NextRestore => Volatile.Read(ref _restored).Task;

    /// <summary>Tells <paramref name="listener"/> about reconnections until the returned handle is disposed.</summary>
    public IDisposable OnReconnect(IReconnectAware listener)
    {
        _listeners[listener] = 0;
        return new Registration(this, listener);
    }

    // The multiplexer belongs to the container (AddRedisClient), which closes it after everything that uses it.
    public ValueTask DisposeAsync()
    {
        _multiplexer.ConnectionFailed -= OnFailed;
        _multiplexer.ConnectionRestored -= OnRestored;
        return ValueTask.CompletedTask;
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogConnectionFailed(e.ConnectionType, e.EndPoint?.ToString(), e.FailureType, e.Exception?.Message);

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        LogConnectionRestored(e.ConnectionType, e.EndPoint?.ToString());
        Interlocked.Exchange(ref _restored, NewSignal()).TrySetResult();
        foreach (var listener in _listeners.Keys)
        {
            listener.OnReconnected();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not reachable at start ({EndPoints}); the bus keeps trying to connect")]
    private partial void LogStartedDisconnected(string endPoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection to {EndPoint} failed ({FailureType}): {Reason}; reconnecting")]
    private partial void LogConnectionFailed(ConnectionType connectionType, string? endPoint, ConnectionFailureType failureType, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {ConnectionType} connection to {EndPoint} restored")]
    private partial void LogConnectionRestored(ConnectionType connectionType, string? endPoint);

    private sealed class Registration(RedisConnection owner, IReconnectAware listener) : IDisposable
    {
        public void Dispose() => owner._listeners.TryRemove(listener, out _);
    }
}

/// <summary>Something that must re-read state after Redis reconnected, because pub/sub messages may have been lost.</summary>
internal interface IReconnectAware
{
    void OnReconnected();
}
