using AspireAgent.Web.Client.Ops;
using AspireAgent.Web.Gateway;
using AspireAgent.Web.Ops.InProcess;
using AspireAgent.Web.Ops.Prometheus;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Ops;

public static class OpsMetricsExtensions
{
    /// <summary>
    /// Registers the ops view's metrics source: Prometheus when <c>Ops:PrometheusUrl</c> is set (it sees every
    /// node); else this process's own meters when it runs the backend (standalone); else none, and the page says so.
    /// </summary>
    public static IHostApplicationBuilder AddOpsMetrics(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(OpsOptions.SectionName);
        var services = builder.Services;
        services.AddOptions<OpsOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var kind = Choose(section.Get<OpsOptions>() ?? new OpsOptions(), GatewayLocation.Resolve(builder.Configuration));
        services.AddSingleton(new OpsSourceChoice(kind));
        switch (kind)
        {
            case OpsSourceKind.Prometheus:
                services.AddHttpClient<PrometheusClient>((sp, http) =>
                {
                    // A trailing slash, so that a URL with a path prefix (behind a proxy) keeps it for api/v1/….
                    var url = sp.GetRequiredService<IOptions<OpsOptions>>().Value.PrometheusUrl!;
                    http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
                });
                services.AddTransient<IOpsMetricsSource, PrometheusOpsMetricsSource>();
                break;
            case OpsSourceKind.InProcess:
                services.AddMetrics();
                services.AddSingleton<MeterReader>();
                services.AddSingleton<OpsSampleHistory>();
                services.AddSingleton<OpsSampler>();
                services.AddHostedService(sp => sp.GetRequiredService<OpsSampler>());
                services.AddSingleton<IOpsMetricsSource, InProcessOpsMetricsSource>();
                break;
            default:
                services.AddSingleton<IOpsMetricsSource, UnconfiguredOpsMetricsSource>();
                break;
        }

        return builder;
    }

    /// <summary>Serves <c>GET /ops/metrics</c>, the series the ops page draws.</summary>
    public static WebApplication MapOpsMetrics(this WebApplication app)
    {
        app.MapGet(OpsSnapshot.Path, async (IOpsMetricsSource source, HttpContext context, CancellationToken cancellationToken) =>
        {
            // Live data: a cached copy would freeze the charts.
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(await source.GetSnapshotAsync(cancellationToken).ConfigureAwait(false), OpsJsonContext.Default.OpsSnapshot);
        });

        var choice = app.Services.GetRequiredService<OpsSourceChoice>();
        var options = app.Services.GetRequiredService<IOptions<OpsOptions>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireAgent.Web.Ops");
        app.Lifetime.ApplicationStarted.Register(() => logger.SourceChosen(choice.Kind, choice.Describe(options.Value)));
        return app;
    }

    internal static OpsSourceKind Choose(OpsOptions options, GatewayLocation gateway) =>
        !string.IsNullOrWhiteSpace(options.PrometheusUrl) ? OpsSourceKind.Prometheus
        : gateway.IsStandalone ? OpsSourceKind.InProcess
        : OpsSourceKind.None;
}
