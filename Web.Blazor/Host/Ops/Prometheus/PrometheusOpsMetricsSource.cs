using AspireAgent.Web.Client.Ops;
using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>
/// Distributed mode: every series is a range query against the Prometheus that scrapes the cluster, over the
/// window ending at the last whole step (so successive refreshes evaluate on the same grid and the lines do not
/// shimmer). The ten queries run at once; one that fails leaves its series empty and says why.
/// </summary>
public sealed partial class PrometheusOpsMetricsSource(
    PrometheusClient prometheus,
    IOptions<OpsOptions> options,
    TimeProvider time,
    ILogger<PrometheusOpsMetricsSource> logger) : IOpsMetricsSource
{
    public async Task<OpsSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var step = settings.Interval;
        var stepMs = (long)step.TotalMilliseconds;
        var endMs = time.GetUtcNow().ToUnixTimeMilliseconds() / stepMs * stepMs;
        var points = settings.Points;
        var startMs = endMs - ((points - 1) * stepMs);
        var grid = new TimeGrid(startMs, stepMs, points);
        var rate = settings.RateWindow;

        var connections = QueryAsync(OpsQueries.Connections);
        var chunks = QueryAsync(OpsQueries.ChunksPerSecond(rate));
        var tokens = QueryAsync(OpsQueries.TokensPerSecond(rate));
        var latencyP50 = QueryAsync(OpsQueries.DeliveryLatency(0.5, rate));
        var latencyP99 = QueryAsync(OpsQueries.DeliveryLatency(0.99, rate));
        var firstTokenP50 = QueryAsync(OpsQueries.TimeToFirstToken(0.5, rate));
        var firstTokenP99 = QueryAsync(OpsQueries.TimeToFirstToken(0.99, rate));
        var backlog = QueryAsync(OpsQueries.Backlog);
        var interrupts = QueryAsync(OpsQueries.Answers("interrupted", rate));
        var errors = QueryAsync(OpsQueries.Answers("error", rate));
        QueryOutcome[] all = await Task.WhenAll(
            connections, chunks, tokens, latencyP50, latencyP99, firstTokenP50, firstTokenP99, backlog, interrupts, errors).ConfigureAwait(false);

        return new OpsSnapshot
        {
            Source = OpsSourceKind.Prometheus,
            Problem = all.Select(o => o.Problem).FirstOrDefault(p => p is not null),
            End = endMs,
            WindowSeconds = settings.Window.TotalSeconds,
            StepSeconds = step.TotalSeconds,
            RateWindowSeconds = rate.TotalSeconds,
            Timestamps = grid.Timestamps(),
            Connections = connections.Result.Values,
            ChunksPerSecond = chunks.Result.Values,
            TokensPerSecond = tokens.Result.Values,
            DeliveryLatencyP50 = latencyP50.Result.Values,
            DeliveryLatencyP99 = latencyP99.Result.Values,
            TimeToFirstTokenP50 = firstTokenP50.Result.Values,
            TimeToFirstTokenP99 = firstTokenP99.Result.Values,
            Backlog = backlog.Result.Values,
            Interrupts = interrupts.Result.Values,
            Errors = errors.Result.Values,
        };

        async Task<QueryOutcome> QueryAsync(string query)
        {
            try
            {
                var series = await prometheus.QueryRangeAsync(
                    query, DateTimeOffset.FromUnixTimeMilliseconds(startMs), DateTimeOffset.FromUnixTimeMilliseconds(endMs), step, cancellationToken)
                    .ConfigureAwait(false);

                // Every query aggregates to one series; none means nothing was scraped yet.
                return new QueryOutcome(series.Count > 0 ? grid.Align(series[0].Points) : grid.Empty(), null);
            }
            catch (Exception exception) when (exception is HttpRequestException or PrometheusQueryException or TimeoutException
                                                  or System.Text.Json.JsonException or Polly.ExecutionRejectedException
                                              || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                LogQueryFailed(exception, prometheus.BaseAddress, query);
                return new QueryOutcome(grid.Empty(), $"Prometheus at {prometheus.BaseAddress} did not answer: {exception.Message}");
            }
        }
    }

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Ops view: Prometheus at {Prometheus} failed the query {Query}")]
    private partial void LogQueryFailed(Exception exception, Uri? prometheus, string query);

    private sealed record QueryOutcome(double?[] Values, string? Problem);
}
