using AspireAgent.Socket.Connections;

namespace AspireAgent.UnitTests.Gateway;

public sealed class WriterSignalTests
{
    [Fact]
    public async Task A_set_before_the_wait_is_kept_and_many_sets_make_one_wake()
    {
        var signal = new WriterSignal();
        signal.Set();
        signal.Set();

        Assert.True(signal.WaitAsync().IsCompletedSuccessfully);
        var next = signal.WaitAsync();
        Assert.False(next.IsCompleted);

        signal.Set();
        await next.AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_same_signal_wakes_its_waiter_again_and_again()
    {
        var signal = new WriterSignal();
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 1000; i++)
        {
            var wait = signal.WaitAsync();
            var setter = Task.Factory.StartNew(() => signal.Set(), ct, TaskCreationOptions.None, TaskScheduler.Default);
            await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct);
            await setter;
        }
    }

    [Fact]
    public async Task A_relay_runs_the_waiting_writer_on_its_own_thread_and_other_setters_do_not()
    {
        var signal = new WriterSignal();
        var ct = TestContext.Current.CancellationToken;

        var ranOn = WaitThenRecordThreadAsync(signal);
        var relayThread = Environment.CurrentManagedThreadId;
        signal.Set(runWriter: true);
        Assert.True(ranOn.IsCompleted); // the writer ran inside Set
        Assert.Equal(relayThread, await ranOn);

        // A setter that must not write (the shared timer, the read loop): the writer continues elsewhere, later.
        using var release = new ManualResetEventSlim();
        var queued = WaitThenRecordThreadAsync(signal, release);
        var timerThread = await Task.Factory.StartNew(
            () =>
            {
                signal.Set();
                release.Set();
                return Environment.CurrentManagedThreadId;
            },
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.NotEqual(timerThread, await queued.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    // Awaits the signal; once woken, optionally blocks until released (so a writer run inline would hold its setter).
    private static async Task<int> WaitThenRecordThreadAsync(WriterSignal signal, ManualResetEventSlim? release = null)
    {
        await signal.WaitAsync();
        release?.Wait(TimeSpan.FromSeconds(5));
        return Environment.CurrentManagedThreadId;
    }
}
