using AspireAgent.Protocol;
using AspireAgent.Socket.Connections;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Gateway;

public sealed class SlowConsumerWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    private static AssistantChunk Chunk(long seq) => new() { Id = $"c{seq}", Timestamp = 0, StreamId = "s", Seq = seq, Delta = "x" };

    // Asks every CheckInterval, as the connection's loop does, for as long as the span.
    private bool StalledWithin(SlowConsumerWatch watch, TimeSpan span, bool clientAcknowledges)
    {
        var until = _time.GetUtcNow() + span;
        while (_time.GetUtcNow() < until)
        {
            _time.Advance(watch.CheckInterval);
            if (watch.IsStalled(_time.GetUtcNow(), clientAcknowledges))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void Chunks_written_but_never_acknowledged_stall_the_client_after_the_timeout_though_no_lane_is_full()
    {
        var watch = new SlowConsumerWatch(new PriorityOutbox(256), Timeout);
        for (var seq = 0; seq < 64; seq++)
        {
            watch.WriteStarting();
            watch.Written(Chunk(seq));
        }

        watch.Acknowledged("s", 15);

        // The producer's window paused the answer: nothing more is written, nothing is queued.
        Assert.False(StalledWithin(watch, Timeout - TimeSpan.FromSeconds(1), clientAcknowledges: true));
        Assert.True(StalledWithin(watch, TimeSpan.FromSeconds(3), clientAcknowledges: true));
    }

    [Fact]
    public void A_write_the_socket_never_completes_stalls_the_client()
    {
        var watch = new SlowConsumerWatch(new PriorityOutbox(256), Timeout);
        watch.WriteStarting();

        Assert.True(StalledWithin(watch, Timeout + TimeSpan.FromSeconds(3), clientAcknowledges: false));
    }

    [Fact]
    public void A_client_that_keeps_acknowledging_is_never_stalled()
    {
        var watch = new SlowConsumerWatch(new PriorityOutbox(256), Timeout);
        for (var seq = 0; seq < 200; seq++)
        {
            watch.Written(Chunk(seq));
            Assert.False(StalledWithin(watch, TimeSpan.FromSeconds(5), clientAcknowledges: true));
            watch.Acknowledged("s", seq);
        }
    }

    [Fact]
    public void Nothing_owed_is_never_a_stall_whatever_the_silence()
    {
        var watch = new SlowConsumerWatch(new PriorityOutbox(256), Timeout);
        watch.Written(Chunk(0));
        watch.Written(new AssistantEnd { Id = "e", Timestamp = 0, StreamId = "s", FullContent = "x", Usage = new Usage(), FinishReason = FinishReason.Stop });

        // The last chunks need no acknowledgement once the end went out; heartbeats are not owed data.
        watch.Written(new ControlMessage { Id = "p", Timestamp = 0, Action = ControlActions.Ping });
        Assert.False(StalledWithin(watch, TimeSpan.FromMinutes(5), clientAcknowledges: true));
    }
}
