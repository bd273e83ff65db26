namespace AspireAgent.Web.Ops.Prometheus;

/// <summary>One series of a range query's matrix: its labels and its (Unix seconds, value) points, oldest first.</summary>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Time, double Value)> Points);

/// <summary>Prometheus answered, but with an error (a bad query, a timeout, an overloaded server) or an unexpected shape.</summary>
public sealed class PrometheusQueryException(string message) : Exception(message);
