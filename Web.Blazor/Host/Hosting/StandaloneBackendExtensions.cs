using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.Socket;

namespace AspireAgent.Web.Hosting;

/// <summary>
/// Standalone mode: the gateway and an inference worker run inside the web host, sharing the in-memory bus,
/// so one command starts the whole product. Under Aspire they are separate processes and this is not used.
/// </summary>
public static class StandaloneBackendExtensions
{
    public static IHostApplicationBuilder AddStandaloneBackend(this IHostApplicationBuilder builder)
    {
        builder.AddAgentBus();
        builder.AddSocketGateway();
        builder.AddInferenceWorker();
        return builder;
    }

    public static WebApplication MapStandaloneBackend(this WebApplication app) => app.MapSocketGateway();
}
