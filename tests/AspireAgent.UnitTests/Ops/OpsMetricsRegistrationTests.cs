using AspireAgent.Web.Ops;
using AspireAgent.Web.Ops.InProcess;
using AspireAgent.Web.Ops.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireAgent.UnitTests.Ops;

/// <summary>Which source the host registers, from configuration alone, and which settings stop it on start.</summary>
public sealed class OpsMetricsRegistrationTests
{
    public static TheoryData<string, string, Type> Choices => new()
    {
        { "Prometheus named: it wins, standalone or not", "Ops:PrometheusUrl=http://127.0.0.1:9090", typeof(PrometheusOpsMetricsSource) },
        { "Prometheus behind a UI-only host", "Ops:PrometheusUrl=http://127.0.0.1:9090;Web:GatewayUrl=ws://127.0.0.1:7000/ws", typeof(PrometheusOpsMetricsSource) },
        { "standalone: this process's meters", "", typeof(InProcessOpsMetricsSource) },
        { "UI only, no Prometheus: nothing", "Web:GatewayUrl=ws://127.0.0.1:7000/ws", typeof(UnconfiguredOpsMetricsSource) },
        { "UI only through Aspire discovery", "services:socket:http:0=http://127.0.0.1:7000", typeof(UnconfiguredOpsMetricsSource) },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void The_source_follows_configuration(string scenario, string settings, Type expected)
    {
        using var services = Build(settings).Services.BuildServiceProvider();

        var source = services.GetRequiredService<IOpsMetricsSource>();

        Assert.True(expected == source.GetType(), $"{scenario}: got {source.GetType().Name}");
        Assert.Equal(expected == typeof(InProcessOpsMetricsSource), services.GetServices<IHostedService>().OfType<OpsSampler>().Any());
    }

    [Theory]
    [InlineData("Ops:PrometheusUrl=prometheus:9090", "Ops:PrometheusUrl")]
    [InlineData("Ops:PrometheusUrl=ftp://127.0.0.1/", "Ops:PrometheusUrl")]
    [InlineData("Ops:Interval=00:00:00.001", "Interval")]
    [InlineData("Ops:Window=1.00:00:00;Ops:Interval=00:00:01", "3600 points")]
    [InlineData("Ops:RateWindow=00:00:05;Ops:Interval=00:00:10", "Ops:RateWindow")]
    public void Bad_settings_are_refused_naming_the_key(string settings, string named)
    {
        using var services = Build(settings).Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OpsOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_five_minutes_of_one_second_points()
    {
        using var services = Build("").Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<OpsOptions>>().Value;

        Assert.Equal(300, options.Points);
        Assert.Equal(60, options.RateWindowIntervals);
    }

    private static WebApplicationBuilder Build(string settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(
            settings.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .Select(pair => new KeyValuePair<string, string?>(pair[0], pair[1])));
        builder.Services.AddLogging();
        builder.AddOpsMetrics();
        return builder;
    }
}
