using System.Runtime.CompilerServices;

// The routing and framing pieces are internal so the public surface stays AgentClient alone; the unit tests
// exercise them directly because they are where the subtle ordering rules live.
[assembly: InternalsVisibleTo("AspireAgent.UnitTests")]
