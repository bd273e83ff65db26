using System.Diagnostics;
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
    public static void Configure(StackExchangeRedisInstrumentationOptions options) =>
        options.Filter = context => context.ParentActivity is not null;

    /// <summary>
    /// Takes the calling async method out of its trace, so the Redis commands it issues next have no parent and
    /// the filter drops them. For the appends of chunks: an answer's trace keeps its lease, start, end and turn
    /// commands, not a script span per chunk (150 per answer at the benchmark's length, about 20,000 a second at
    /// K = 250 × 100), which cost more in spans than the appends cost themselves. Call it only inside an async
    /// method: the caller's trace is back when that method returns.
    /// </summary>
    public static void LeaveTrace() => Activity.Current = null;
}
