using OpenTelemetry.Instrumentation.StackExchangeRedis;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// Keeps the bus's background work out of the traces. Redis commands issued inside a trace (an answer's, from the
/// gateway's request through the worker) are its spans; the consumers' polling (XREADGROUP and XAUTOCLAIM a few
/// times a second per worker), lease renewals, catch-up reads and health PINGs belong to no request, and each
/// would be a trace of its own, burying the answers in the dashboard.
/// </summary>
internal static class RedisTracingFilter
{
    /// <remarks>
    /// The appends of chunks are not an answer's spans either: they go in calls shared by many streams
    /// (<see cref="StreamAppendPipeline"/>), sent from a loop that runs in no trace, so the filter drops them too.
    /// An answer's trace keeps its lease, start, end and turn commands.
    /// </remarks>
    public static void Configure(StackExchangeRedisInstrumentationOptions options) =>
        options.Filter = context => context.ParentActivity is not null;
}
