using System.Globalization;

namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>
/// The PromQL behind each chart, over metric names as the Prometheus exporter writes them (dots as underscores,
/// the unit as a suffix, <c>_total</c> on counters; see deploy/prometheus/alerts.yml). Each aggregates the whole
/// cluster into one series.
/// </summary>
public static class OpsQueries
{
    public const string Connections = "sum(aspireagent_gateway_connections_active)";

    /// <summary>
    /// Every node publishes the backlog of the bus it uses; on a shared bus (Redis) they all see the same queue,
    /// so adding them up would count it once per node. The largest is right for both shared and per-node buses.
    /// </summary>
    public const string Backlog = "max(aspireagent_bus_requests_backlog)";

    public static string ChunksPerSecond(TimeSpan window) =>
        OrZero($"sum(rate(aspireagent_gateway_messages_sent_total{{type=\"assistant.chunk\"}}[{Range(window)}]))");

    public static string TokensPerSecond(TimeSpan window) =>
        OrZero($"sum(rate(aspireagent_inference_tokens_total[{Range(window)}]))");

    public static string DeliveryLatency(double quantile, TimeSpan window) =>
        Quantile(quantile, "aspireagent_gateway_delivery_latency_seconds_bucket", window);

    public static string TimeToFirstToken(double quantile, TimeSpan window) =>
        Quantile(quantile, "aspireagent_inference_time_to_first_token_seconds_bucket", window);

    public static string Answers(string finishReason, TimeSpan window) =>
        OrZero($"sum(increase(aspireagent_inference_answers_total{{finish_reason=\"{finishReason}\"}}[{Range(window)}]))");

    private static string Quantile(double quantile, string buckets, TimeSpan window) =>
        $"histogram_quantile({quantile.ToString(CultureInfo.InvariantCulture)}, sum by (le) (rate({buckets}[{Range(window)}])))";

    // A counter that never moved has no series yet (OpenTelemetry exports it from its first measurement): zero is what that means.
    private static string OrZero(string query) => $"{query} or vector(0)";

    private static string Range(TimeSpan window) => $"{(long)Math.Ceiling(window.TotalSeconds)}s";
}
