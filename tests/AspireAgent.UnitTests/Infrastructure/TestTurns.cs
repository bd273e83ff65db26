using AspireAgent.Bus;
using AspireAgent.Bus.Memory;
using AspireAgent.Bus.Turns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Infrastructure;

/// <summary>A <see cref="TurnLifecycle"/> over the in-memory bus, for tests that build the worker by hand.</summary>
internal static class TestTurns
{
    public static TurnLifecycle Lifecycle(
        IConversationStore conversations, IStreamStore streams, IOptions<BusOptions> bus, TimeProvider time,
        IRequestQueue? requests = null, IAnswerQuota? quota = null) =>
        new(
            conversations,
            streams,
            requests ?? new MemoryRequestQueue(bus, TestMeters.Factory()),
            quota ?? new MemoryAnswerQuota(bus, time),
            time,
            NullLogger<TurnLifecycle>.Instance);
}
