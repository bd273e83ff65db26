using AspireAgent.Protocol.Client;

namespace AspireAgent.UnitTests.Client;

public sealed class ConnectionStateMachineTests
{
    [Theory]
    [InlineData(AgentConnectionState.Disconnected, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Connecting, AgentConnectionState.Connected, true)]
    [InlineData(AgentConnectionState.Connecting, AgentConnectionState.Failed, true)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Active, true)]
    [InlineData(AgentConnectionState.Active, AgentConnectionState.Idle, true)]
    [InlineData(AgentConnectionState.Idle, AgentConnectionState.HeartbeatCheck, true)]
    [InlineData(AgentConnectionState.HeartbeatCheck, AgentConnectionState.Connected, true)]
    [InlineData(AgentConnectionState.Active, AgentConnectionState.Abnormal, true)]
    [InlineData(AgentConnectionState.Abnormal, AgentConnectionState.Reconnecting, true)]
    [InlineData(AgentConnectionState.Idle, AgentConnectionState.Reconnecting, true)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Failed, true)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Connected, true)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Failed, true)]
    [InlineData(AgentConnectionState.Failed, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Closed, true)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Connecting, true)]
    [InlineData(AgentConnectionState.Disconnected, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Connected, AgentConnectionState.Connecting, false)]
    [InlineData(AgentConnectionState.Active, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Active, false)]
    [InlineData(AgentConnectionState.Reconnecting, AgentConnectionState.Reconnecting, false)]
    [InlineData(AgentConnectionState.Abnormal, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Failed, AgentConnectionState.Connected, false)]
    [InlineData(AgentConnectionState.Failed, AgentConnectionState.Reconnecting, false)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Closed, false)]
    [InlineData(AgentConnectionState.Closed, AgentConnectionState.Failed, false)]
    public void Allows_only_the_documented_moves(AgentConnectionState from, AgentConnectionState to, bool allowed) =>
        Assert.Equal(allowed, ConnectionStateMachine.IsAllowed(from, to));

    [Theory]
    [InlineData(0, false, false, AgentConnectionState.Connected)]
    [InlineData(2, true, false, AgentConnectionState.Active)]
    [InlineData(0, true, false, AgentConnectionState.Idle)]
    [InlineData(1, true, true, AgentConnectionState.HeartbeatCheck)]
    public void The_open_state_follows_from_the_facts(int answers, bool hadAnswer, bool awaitingPong, AgentConnectionState expected) =>
        Assert.Equal(expected, ConnectionStateMachine.OpenStateFor(new OpenFacts(answers, hadAnswer, awaitingPong)));

    [Fact]
    public void A_refresh_moves_only_an_open_state_and_announces_only_real_changes()
    {
        var machine = new ConnectionStateMachine();
        var seen = new List<AgentConnectionState>();
        machine.Changed += seen.Add;
        var facts = new OpenFacts(0, false, false);

        Assert.False(machine.Refresh(() => facts with { AnswersInProgress = 1 }));
        machine.TryTransition(AgentConnectionState.Connecting);
        machine.TryTransition(AgentConnectionState.Connected);
        Assert.True(machine.Refresh(() => facts with { AnswersInProgress = 1, HadAnswer = true }));
        Assert.False(machine.Refresh(() => facts with { AnswersInProgress = 1, HadAnswer = true }));
        Assert.True(machine.Refresh(() => facts with { HadAnswer = true }));

        Assert.Equal([AgentConnectionState.Connecting, AgentConnectionState.Connected, AgentConnectionState.Active, AgentConnectionState.Idle], seen);
    }

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
