using System.Net;
using System.Text.Json;
using AspireAgent.IntegrationTests.Infrastructure;

namespace AspireAgent.IntegrationTests.Observability;

/// <summary>Debian's Prometheus against the real thing: the alert rules' unit tests, and a live scrape.</summary>
public sealed class PrometheusTests
{
    [Fact]
    public async Task Every_alert_rule_passes_its_promtool_unit_tests()
    {
        var promtool = ExternalProcess.Require("promtool", "prometheus");
        var rules = Path.Combine(RepositoryRoot.Path, "deploy", "prometheus");
        await using var check = ExternalProcess.Start(promtool, rules, "check", "rules", "alerts.yml");
        Assert.True(await check.WaitAsync(TimeSpan.FromMinutes(1)) == 0, check.Output);

        await using var test = ExternalProcess.Start(promtool, rules, "test", "rules", "alerts.test.yml");
        var exitCode = await test.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, test.Output);
        Assert.Contains("SUCCESS", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_scrapes_a_running_node_and_finds_the_gateway_and_worker_metrics()
    {
        var prometheus = ExternalProcess.Require("prometheus", "prometheus");
        await using var gateway = await TestGateway.StartAsync(withServiceDefaults: true);
        await using (var client = await WireClient.ConnectAndHelloAsync(gateway.WebSocketUri))
        {
            await client.AskAsync("conv-scraped", "Give Prometheus something to count.");
        }

        var work = Directory.CreateTempSubdirectory("aspireagent-prometheus-");
        try
        {
            var port = FreePort.Next();
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: aspireagent
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['{gateway.HttpBase.Authority}']
                """, TestContext.Current.CancellationToken);
            await using var server = ExternalProcess.Start(prometheus, work.FullName,
                "--config.file=prometheus.yml", $"--storage.tsdb.path={work.FullName}/data",
                $"--web.listen-address=127.0.0.1:{port}");

            string[] wanted =
            [
                "aspireagent_gateway_connections_capacity",
                "aspireagent_gateway_connection_attempts_total",
                "aspireagent_gateway_delivery_latency_seconds_bucket",
                "aspireagent_gateway_messages_sent_total",
                "aspireagent_inference_answers_total",
                "aspireagent_inference_time_to_first_token_seconds_bucket",
                "aspireagent_process_memory_limit_bytes",
                "process_memory_usage_bytes",
            ];
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var missing = wanted.ToHashSet();
            for (var attempt = 0; attempt < 120 && missing.Count > 0 && !server.HasExited; attempt++)
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
                foreach (var metric in missing.ToArray())
                {
                    if (await HasSeriesAsync(http, metric))
                    {
                        missing.Remove(metric);
                    }
                }
            }

            Assert.True(missing.Count == 0, $"Prometheus never saw {string.Join(", ", missing)}.\n{server.Output}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<bool> HasSeriesAsync(HttpClient http, string metric)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"/api/v1/query?query={metric}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }
}
