using System.ComponentModel.DataAnnotations;
using AspireAgent.Bus.Hosting;

namespace AspireAgent.UnitTests.Bus;

public sealed class TimeSpanRangeAttributeTests
{
    private sealed class Settings
    {
        [TimeSpanRange("00:00:01", "00:01:00")]
        public TimeSpan Interval { get; set; }

        [TimeSpanRange("00:00:01", "00:01:00")]
        public TimeSpan? Optional { get; set; }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(60, true)]
    [InlineData(0, false)]
    [InlineData(61, false)]
    public void Bounds_are_inclusive(int seconds, bool valid)
    {
        var errors = Validate(new Settings { Interval = TimeSpan.FromSeconds(seconds) });
        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Equal("The field Interval must be between 00:00:01 and 00:01:00.", Assert.Single(errors).ErrorMessage);
        }
    }

    [Fact]
    public void An_absent_value_is_left_to_required()
    {
        Assert.Empty(Validate(new Settings { Interval = TimeSpan.FromSeconds(5), Optional = null }));
        Assert.Single(Validate(new Settings { Interval = TimeSpan.FromSeconds(5), Optional = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Validating_on_many_threads_at_once_gives_every_thread_the_same_answer()
    {
        // The attribute instances are shared by the whole process, as RangeAttribute's are; its lazy conversion
        // of the bounds is what failed when hosts started in parallel.
        var start = new Barrier(8);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return Validate(new Settings { Interval = TimeSpan.FromSeconds(i % 2 == 0 ? 5 : 90) }).Count;
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1], results);
    }

    private static List<ValidationResult> Validate(Settings settings)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true);
        return errors;
    }
}
