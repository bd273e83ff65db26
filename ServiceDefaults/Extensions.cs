using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspireAgent.ServiceDefaults;

/// <summary>The Aspire service defaults: telemetry, health, discovery and resilience, in one call per service.</summary>
public static class Extensions
{
    /// <summary>The tag on health checks that only say whether the process is alive.</summary>
    public const string LiveTag = "live";

    /// <summary>Every meter and activity source of this product is named <c>AspireAgent.&lt;Part&gt;</c>.</summary>
    private const string OwnInstruments = "AspireAgent.*";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ServiceDefaultsOptions>()
            .Bind(builder.Configuration.GetSection(ServiceDefaultsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddMetrics();
        builder.Services.AddHostedService<ProcessLimits>();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ServiceDefaultsOptions>>().Value;
        app.MapHealthChecks(options.HealthPath);
        app.MapHealthChecks(options.AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        if (!string.IsNullOrEmpty(options.PrometheusPath))
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        }

        return app;
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        // The same paths MapDefaultEndpoints maps, so a moved probe is still kept out of the traces.
        var endpoints = builder.Configuration.GetSection(ServiceDefaultsOptions.SectionName).Get<ServiceDefaultsOptions>() ?? new();
        string[] probes = [endpoints.HealthPath, endpoints.AlivePath, endpoints.PrometheusPath];
        probes = [.. probes.Where(path => !string.IsNullOrEmpty(path))];

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(OwnInstruments)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, OwnInstruments)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes would drown the traces that matter.
                    aspnet.Filter = context => !probes.Any(probe => context.Request.Path.StartsWithSegments(probe)))
                .AddHttpClientInstrumentation());

        // Aspire sets OTEL_EXPORTER_OTLP_ENDPOINT for every resource; without it nothing is exported.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    private static void AddDefaultHealthChecks(this IHostApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
}
