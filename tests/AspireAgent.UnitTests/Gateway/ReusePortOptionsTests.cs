using AspireAgent.Socket.Hosting;

namespace AspireAgent.UnitTests.Gateway;

public sealed class ReusePortOptionsTests
{
    [Fact]
    public void Off_by_default()
    {
        Assert.False(new ReusePortOptions().ReusePort);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    public void Only_Linux_may_turn_it_on(bool isLinux, bool reusePort, bool starts)
    {
        var result = new ReusePortOptionsValidation(isLinux).Validate(null, new ReusePortOptions { ReusePort = reusePort });

        Assert.Equal(starts, result.Succeeded);
        if (!starts)
        {
            Assert.Contains("Linux only", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
