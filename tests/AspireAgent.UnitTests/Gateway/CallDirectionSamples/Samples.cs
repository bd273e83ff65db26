using AspireAgent.Socket.Connections;

namespace AspireAgent.UnitTests.Gateway.CallDirectionSamples;

// Each type refers to the gateway's Connections folder in exactly one way, to prove CallDirectionTests sees it.
#pragma warning disable CS0169, CS0649 // never used: only their metadata is inspected
internal sealed class FieldOnly
{
    private List<ConnectionTimers>? _timers;
}

internal static class SignatureOnly
{
    public static object? Take(IDueCallback[] callbacks) => null;
}

internal static class BodyOnly
{
    public static int Count(object timers) => ((ConnectionTimers)timers).Count;
}

internal static class LambdaOnly
{
    public static Func<object, int> Counter() => static timers => ((ConnectionTimers)timers).Count;
}

internal static class Clean
{
    public static int Nothing() => 0;
}
#pragma warning restore CS0169, CS0649
