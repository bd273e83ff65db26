using System.Net.WebSockets;
using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class CloseCodePolicyTests
{
    [Theory]
    [InlineData(1000, ReconnectDecision.Stop)]
    [InlineData(1001, ReconnectDecision.ReconnectNow)]
    [InlineData(1002, ReconnectDecision.Fail)]
    [InlineData(1003, ReconnectDecision.Fail)]
    [InlineData(1007, ReconnectDecision.Fail)]
    [InlineData(1008, ReconnectDecision.Fail)]
    [InlineData(1009, ReconnectDecision.Fail)]
    [InlineData(1011, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(1013, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(4000, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(4001, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(4002, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(1005, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(1006, ReconnectDecision.ReconnectWithBackoff)]
    [InlineData(4999, ReconnectDecision.ReconnectWithBackoff)]
    public void A_close_code_from_the_server_decides_what_follows(int code, ReconnectDecision expected) =>
        Assert.Equal(expected, CloseCodePolicy.Decide((WebSocketCloseStatus)code));

    [Fact]
    public void No_close_frame_at_all_is_abnormal_and_backs_off() =>
        Assert.Equal(ReconnectDecision.ReconnectWithBackoff, CloseCodePolicy.Decide(null));

    [Theory]
    [InlineData((int)LossKind.ClosedByClient, null, ReconnectDecision.Stop, false)]
    [InlineData((int)LossKind.Rejected, 1009, ReconnectDecision.Fail, false)]
    [InlineData((int)LossKind.Dropped, null, ReconnectDecision.ReconnectWithBackoff, true)]
    [InlineData((int)LossKind.HeartbeatTimeout, null, ReconnectDecision.ReconnectWithBackoff, true)]
    [InlineData((int)LossKind.Gap, null, ReconnectDecision.ReconnectNow, true)]
    [InlineData((int)LossKind.ClosedByServer, 1001, ReconnectDecision.ReconnectNow, false)]
    [InlineData((int)LossKind.ClosedByServer, 1006, ReconnectDecision.ReconnectWithBackoff, true)]
    [InlineData((int)LossKind.ClosedByServer, 1000, ReconnectDecision.Stop, false)]
    public void How_a_connection_ended_decides_what_follows(int kind, int? code, ReconnectDecision expected, bool abnormal)
    {
        var loss = new ConnectionLoss((LossKind)kind, (WebSocketCloseStatus?)code, null, null);

        Assert.Equal(expected, loss.Decision);
        Assert.Equal(abnormal, loss.IsAbnormal);
    }
}
