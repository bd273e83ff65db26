namespace AspireAgent.Web.Client.Ops;

/// <summary>One line of a chart: its legend name, its colour (a CSS class, <c>s1</c>…<c>s4</c>) and its values, aligned with the chart's timestamps.</summary>
public sealed record ChartSeries(string Name, string ColorClass, double?[] Values)
{
    /// <summary>The newest value, or null when the newest point has nothing (for example no chunk delivered in that interval).</summary>
    public double? Current => Values.Length == 0 ? null : Values[^1];
}

/// <summary>A horizontal reference line, such as an alert threshold.</summary>
public sealed record ChartThreshold(double Value, string Label, string ColorClass);

/// <summary>How values map to height. Latencies span milliseconds to seconds, and the alert thresholds sit at the top of that range: on a linear axis everything below 100 ms would be a flat line.</summary>
public enum ChartScale
{
    Linear,
    Log,
}
