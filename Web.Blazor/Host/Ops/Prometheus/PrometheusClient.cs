using System.Globalization;
using System.Text.Json;

namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>
/// Prometheus's HTTP API, the one call the ops view needs (<c>GET /api/v1/query_range</c>). A typed client:
/// the factory rotates its handler, and ServiceDefaults' resilience pipeline (retries, timeouts, circuit
/// breaker) wraps every call.
/// </summary>
public sealed class PrometheusClient(HttpClient http)
{
    public Uri? BaseAddress => http.BaseAddress;

    /// <summary>Evaluates <paramref name="query"/> at <paramref name="start"/>, start + step, … up to <paramref name="end"/>.</summary>
    /// <exception cref="PrometheusQueryException">Prometheus refused the query or answered something else than a matrix.</exception>
    public async Task<IReadOnlyList<PrometheusSeries>> QueryRangeAsync(
        string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        var uri = new Uri(
            "api/v1/query_range?query=" + Uri.EscapeDataString(query)
            + "&start=" + UnixSeconds(start)
            + "&end=" + UnixSeconds(end)
            + "&step=" + step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            UriKind.Relative);
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            // A proxy's error page or a wrong URL: not Prometheus's JSON error envelope.
            response.EnsureSuccessStatusCode();
            throw new PrometheusQueryException($"{http.BaseAddress} did not answer with JSON: is it Prometheus?");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return QueryRangeResponse.Parse(json.RootElement);
        }
    }

    private static string UnixSeconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
