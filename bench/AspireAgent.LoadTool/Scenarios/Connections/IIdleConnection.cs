namespace AspireAgent.LoadTool.Scenarios.Connections;

/// <summary>A connection that only keeps itself alive; its loop ends when it is disposed or the server closes it.</summary>
internal interface IIdleConnection : IAsyncDisposable
{
    /// <summary>Set after the scenario's hold window, so that the teardown does not count as a drop.</summary>
    bool Stopping { set; }
}
