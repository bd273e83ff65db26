using System.Threading.Channels;
using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Flow;
using AspireAgent.Socket.Options;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Gateway;

public sealed class AcknowledgementBatcherTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
    private static readonly GatewayOptions Options = new() { AcknowledgeEvery = 4, AcknowledgeAfter = TimeSpan.FromMilliseconds(100) };

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ConnectionTimers _timers;
    private readonly Channel<StreamAck> _sink = Channel.CreateUnbounded<StreamAck>();

    public AcknowledgementBatcherTests() => _timers = new ConnectionTimers(_time, NullLogger<ConnectionTimers>.Instance);

    public void Dispose() => _timers.Dispose();

    [Fact]
    public void Every_Nth_delivered_chunk_is_acknowledged_cumulatively_and_the_rest_after_the_delay()
    {
        var batcher = new AcknowledgementBatcher(_sink.Writer, _timers, _time, Options);
        for (var seq = 0; seq < 10; seq++)
        {
            batcher.Delivered("s", seq);
        }

        Assert.Equal([new StreamAck("s", 3), new StreamAck("s", 7)], Drain());

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(Drain());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([new StreamAck("s", 9)], Drain());

        // Nothing held back: the next deadline finds nothing to send.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Drain());
    }

    [Fact]
    public void A_lone_chunk_waits_at_most_the_delay_counted_from_its_delivery()
    {
        var batcher = new AcknowledgementBatcher(_sink.Writer, _timers, _time, Options);
        _time.Advance(TimeSpan.FromSeconds(5));
        batcher.Delivered("s", 0);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(Drain());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([new StreamAck("s", 0)], Drain());
    }

    [Fact]
    public void The_end_of_a_stream_acknowledges_its_last_chunks_at_once()
    {
        var batcher = new AcknowledgementBatcher(_sink.Writer, _timers, _time, Options);
        batcher.Delivered("s", 0);
        batcher.Delivered("s", 1);

        batcher.Ended("s");

        Assert.Equal([new StreamAck("s", 1)], Drain());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Drain());
    }

    [Fact]
    public void Streams_are_counted_apart_and_a_close_flushes_what_is_held()
    {
        var batcher = new AcknowledgementBatcher(_sink.Writer, _timers, _time, Options);
        for (var seq = 0; seq < 4; seq++)
        {
            batcher.Delivered("a", seq);
            if (seq < 2)
            {
                batcher.Delivered("b", seq);
            }
        }

        Assert.Equal([new StreamAck("a", 3)], Drain());

        batcher.FlushAll();
        Assert.Equal([new StreamAck("b", 1)], Drain());
    }

    [Fact]
    public void An_acknowledgement_refused_by_a_full_queue_is_retried_at_the_next_deadline_with_the_latest_seq()
    {
        var full = Channel.CreateBounded<StreamAck>(1);
        Assert.True(full.Writer.TryWrite(new StreamAck("other", 0)));
        var batcher = new AcknowledgementBatcher(full.Writer, _timers, _time, Options);
        for (var seq = 0; seq < 5; seq++)
        {
            batcher.Delivered("s", seq);
        }

        Assert.True(full.Reader.TryRead(out _));
        Assert.False(full.Reader.TryRead(out _));

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(full.Reader.TryRead(out var retried));
        Assert.Equal(new StreamAck("s", 4), retried);
    }

    private List<StreamAck> Drain()
    {
        var acks = new List<StreamAck>();
        while (_sink.Reader.TryRead(out var ack))
        {
            acks.Add(ack);
        }

        return acks;
    }
}
