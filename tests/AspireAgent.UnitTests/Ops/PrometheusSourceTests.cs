using System.Globalization;
using System.Text.Json;
using AspireAgent.Web.Client.Ops;
using AspireAgent.Web.Ops;
using AspireAgent.Web.Ops.Prometheus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAgent.UnitTests.Ops;

/// <summary>The Prometheus source against real <c>query_range</c> answers, served from 127.0.0.1.</summary>
public sealed class PrometheusSourceTests
{
    /// <summary>
    /// Captured from Debian's Prometheus scraping a standalone host every second while a few chats ran:
    /// <c>histogram_quantile(0.99, sum by (le) (rate(aspireagent_gateway_delivery_latency_seconds_bucket[1m])))</c>,
    /// start=1795600850, end=1795601080, step=10. NaN before the first chunk and after a quiet minute; nothing at
    /// all before the host started (the first four steps).
    /// </summary>
    private const string RealLatencyResponse = """
        {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1795600890,"NaN"],[1795600900,"NaN"],[1795600910,"NaN"],[1795600920,"NaN"],[1795600930,"0.00099"],[1795600940,"0.00099"],[1795600950,"0.00099"],[1795600960,"0.00099"],[1795600970,"0.00099"],[1795600980,"0.00099"],[1795600990,"0.00099"],[1795601000,"0.00099"],[1795601010,"0.00099"],[1795601020,"0.00099"],[1795601030,"0.00099"],[1795601040,"0.00099"],[1795601050,"0.00099"],[1795601060,"0.00099"],[1795601070,"NaN"],[1795601080,"NaN"]]}]}}
        """;

    /// <summary>Same capture: <c>sum(aspireagent_gateway_connections_active)</c>, step=5, while one client stayed connected.</summary>
    private const string RealConnectionsResponse = """
        {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1795601002,"1"],[1795601007,"1"],[1795601012,"1"],[1795601017,"1"],[1795601022,"1"],[1795601027,"1"],[1795601032,"1"],[1795601037,"1"],[1795601042,"1"],[1795601047,"1"],[1795601052,"0"],[1795601057,"0"],[1795601062,"0"]]}]}}
        """;

    /// <summary>Same Prometheus, asked <c>sum(rate(</c>.</summary>
    private const string RealErrorResponse = """{"status":"error","errorType":"bad_data","error":"1:10: parse error: unclosed left parenthesis"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_real_range_answer_parses_with_its_NaNs()
    {
        using var json = JsonDocument.Parse(RealLatencyResponse);

        var series = Assert.Single(QueryRangeResponse.Parse(json.RootElement));

        Assert.Empty(series.Labels);
        Assert.Equal(20, series.Points.Count);
        Assert.Equal((1795600890, double.NaN), series.Points[0]);
        Assert.Equal((1795600930, 0.00099), series.Points[4]);
    }

    [Fact]
    public void A_refused_query_is_an_error_that_quotes_Prometheus()
    {
        using var json = JsonDocument.Parse(RealErrorResponse);

        var error = Assert.Throws<PrometheusQueryException>(() => QueryRangeResponse.Parse(json.RootElement));

        Assert.Contains("bad_data", error.Message, StringComparison.Ordinal);
        Assert.Contains("unclosed left parenthesis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_sends_the_range_and_step_and_reads_the_matrix()
    {
        await using var peer = await PrometheusPeer.StartAsync();
        peer.Respond = _ => (200, RealConnectionsResponse);
        using var http = new HttpClient { BaseAddress = peer.Url };
        var client = new PrometheusClient(http);

        var series = await client.QueryRangeAsync(
            OpsQueries.Connections, DateTimeOffset.FromUnixTimeSeconds(1795601002), DateTimeOffset.FromUnixTimeSeconds(1795601062), TimeSpan.FromSeconds(5), Ct);

        var request = Assert.Single(peer.Requests);
        Assert.Equal("sum(aspireagent_gateway_connections_active)", request["query"]);
        Assert.Equal("1795601002", request["start"]);
        Assert.Equal("1795601062", request["end"]);
        Assert.Equal("5", request["step"]);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], Assert.Single(series).Points.Select(p => p.Value));
    }

    [Fact]
    public async Task The_source_lays_every_series_on_one_grid_ending_at_the_last_whole_step()
    {
        await using var peer = await PrometheusPeer.StartAsync();
        peer.Respond = query => query.StartsWith("histogram_quantile(0.99, sum by (le) (rate(aspireagent_gateway_delivery_latency", StringComparison.Ordinal)
            ? (200, RealLatencyResponse)
            : (200, """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
        var source = Source(peer.Url, now: DateTimeOffset.FromUnixTimeMilliseconds(1795601089_400), out _);

        var snapshot = await source.GetSnapshotAsync(Ct);

        Assert.Equal(OpsSourceKind.Prometheus, snapshot.Source);
        Assert.Null(snapshot.Problem);
        Assert.Equal(1795601080_000, snapshot.End); // the last whole 10 s step before 1795601089.4
        Assert.Equal(24, snapshot.Timestamps.Length);
        Assert.Equal(snapshot.End, snapshot.Timestamps[^1]);
        Assert.Equal(10_000, snapshot.Timestamps[1] - snapshot.Timestamps[0]);

        // The grid starts at 1795600850 (24 points of 10 s); absent points (before the host ran) and NaN are both null.
        double?[] expected =
        [
            null, null, null, null, null, null, null, null,
            0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099, 0.00099,
            null, null,
        ];
        Assert.Equal(expected, snapshot.DeliveryLatencyP99);
        Assert.All(snapshot.Connections, Assert.Null); // nothing scraped yet

        string[] queries = [.. peer.Requests.Select(r => r["query"].ToString())];
        Assert.Equal(10, queries.Length);
        Assert.Contains("sum(aspireagent_gateway_connections_active)", queries);
        Assert.Contains("histogram_quantile(0.5, sum by (le) (rate(aspireagent_inference_time_to_first_token_seconds_bucket[60s])))", queries);
        Assert.Contains("sum(increase(aspireagent_inference_answers_total{finish_reason=\"interrupted\"}[60s])) or vector(0)", queries);
        Assert.Contains("max(aspireagent_bus_requests_backlog)", queries);
        Assert.All(peer.Requests, r => Assert.Equal("10", r["step"]));
        Assert.All(peer.Requests, r => Assert.Equal((snapshot.End / 1000).ToString(CultureInfo.InvariantCulture), r["end"]));
    }

    [Fact]
    public async Task A_query_Prometheus_refuses_leaves_its_series_empty_and_says_why()
    {
        await using var peer = await PrometheusPeer.StartAsync();
        peer.Respond = query => query.Contains("backlog", StringComparison.Ordinal) ? (400, RealErrorResponse) : (200, RealConnectionsResponse);
        var source = Source(peer.Url, now: DateTimeOffset.FromUnixTimeSeconds(1795601062), out _);

        var snapshot = await source.GetSnapshotAsync(Ct);

        Assert.Contains("unclosed left parenthesis", snapshot.Problem, StringComparison.Ordinal);
        Assert.All(snapshot.Backlog, Assert.Null);
        Assert.Contains(snapshot.Connections, v => v == 1);
    }

    [Fact]
    public async Task An_unreachable_Prometheus_is_a_problem_not_an_exception()
    {
        Uri url;
        await using (var peer = await PrometheusPeer.StartAsync())
        {
            url = peer.Url;
        }

        var snapshot = await Source(url, DateTimeOffset.FromUnixTimeSeconds(1795601062), out _).GetSnapshotAsync(Ct);

        Assert.Equal(OpsSourceKind.Prometheus, snapshot.Source);
        Assert.Contains("did not answer", snapshot.Problem, StringComparison.Ordinal);
        Assert.Equal(24, snapshot.Connections.Length);
    }

    private static PrometheusOpsMetricsSource Source(Uri url, DateTimeOffset now, out FakeTimeProvider time)
    {
        time = new FakeTimeProvider(now);
        var options = Options.Create(new OpsOptions
        {
            PrometheusUrl = url.ToString(),
            Interval = TimeSpan.FromSeconds(10),
            Window = TimeSpan.FromSeconds(240),
            RateWindow = TimeSpan.FromMinutes(1),
        });
        var client = new PrometheusClient(new HttpClient { BaseAddress = url });
        return new PrometheusOpsMetricsSource(client, options, time, NullLogger<PrometheusOpsMetricsSource>.Instance);
    }
}
