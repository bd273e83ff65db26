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
}
