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
            var setter = Task.Factory.StartNew(signal.Set, ct, TaskCreationOptions.None, TaskScheduler.Default);
            await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct);
            await setter;
        }
    }
}
