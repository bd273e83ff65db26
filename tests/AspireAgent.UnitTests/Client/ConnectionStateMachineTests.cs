using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class ConnectionStateMachineTests
{
    [Theory]
    [InlineData(AgentConnectionState.Disconnected, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Connecting, AgentConnectionState.Connected, true)]
    [InlineData(AgentConnectionState.Connecting, AgentConnectionState.Failed, true)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Failed, true)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Reconnecting, true)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Connected, true)]
    [InlineData(AgentConnectionState.Failed, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Closed, true)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Disconnected, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Connecting, false)]
    [InlineData(AgentConnectionState.Failed, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Closed, false)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Failed, false)]
    public void Allows_only_the_documented_moves(AgentConnectionState from, AgentConnectionState to, bool allowed) =>
        Assert.Equal(allowed, ConnectionStateMachine.IsAllowed(from, to));

    [Fact]
    public void A_move_from_a_state_that_is_no_longer_current_is_refused_and_not_announced()
    {
        var machine = new ConnectionStateMachine();
        var seen = new List<AgentConnectionState>();
        machine.Changed += seen.Add;

        Assert.True(machine.TryTransition(AgentConnectionState.Disconnected, AgentConnectionState.Connecting));
        Assert.True(machine.TryTransition(AgentConnectionState.Closed));
        Assert.False(machine.TryTransition(AgentConnectionState.Connecting, AgentConnectionState.Connected));

        Assert.Equal([AgentConnectionState.Connecting, AgentConnectionState.Closed], seen);
        Assert.Equal(AgentConnectionState.Closed, machine.State);
    }
}
