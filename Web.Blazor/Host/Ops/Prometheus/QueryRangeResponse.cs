using System.Globalization;
using System.Text.Json;

namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>
/// Reads the <c>query_range</c> envelope: <c>{"status":"success","data":{"resultType":"matrix","result":[{"metric":{…},
/// "values":[[1700000000.5,"42"],…]}]}}</c>, or <c>{"status":"error","errorType":…,"error":…}</c>. Sample values
/// are strings so that <c>NaN</c> and <c>±Inf</c> survive JSON; they come back as doubles here.
/// </summary>
public static class QueryRangeResponse
{
    public static IReadOnlyList<PrometheusSeries> Parse(JsonElement root)
    {
        var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (status != "success")
        {
            var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : "unknown";
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : "no error message";
            throw new PrometheusQueryException($"Prometheus refused the query ({type}): {error}");
        }

        var data = root.GetProperty("data");
        if (data.GetProperty("resultType").GetString() is var resultType && resultType != "matrix")
        {
            throw new PrometheusQueryException($"Prometheus answered a {resultType}, not the matrix of a range query.");
        }

        var series = new List<PrometheusSeries>();
        foreach (var result in data.GetProperty("result").EnumerateArray())
        {
            var labels = new Dictionary<string, string>();
            if (result.TryGetProperty("metric", out var metric))
            {
                foreach (var label in metric.EnumerateObject())
                {
                    labels[label.Name] = label.Value.GetString() ?? "";
                }
            }

            var points = new List<(double, double)>();
            foreach (var pair in result.GetProperty("values").EnumerateArray())
            {
                points.Add((pair[0].GetDouble(), SampleValue(pair[1].GetString())));
            }

            series.Add(new PrometheusSeries(labels, points));
        }

        return series;
    }

    private static double SampleValue(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text ?? throw new PrometheusQueryException("A sample has no value."), NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
