using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace AspireAgent.RuntimeTrace;

/// <summary>An EventPipe session on the runtime's GC events of one process, for a fixed time.</summary>
internal static class RuntimeSession
{
    public static async Task RunAsync(int pid, TimeSpan duration, EventLevel level, Action<EventPipeEventSource> subscribe)
    {
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", level, (long)ClrTraceEventParser.Keywords.GC) };
        using var session = new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        subscribe(source);

        // Process() blocks until the session stops; it runs on its own thread so the delay below can stop it.
        var processing = Task.Factory.StartNew(() => source.Process(), TaskCreationOptions.LongRunning);
        await Task.Delay(duration);
        await session.StopAsync(CancellationToken.None);
        await processing;
    }
}
