namespace AspireAgent.LoadTool.Scenarios.Streaming;

/// <summary>
/// How long a streaming run warms up (the same streams, verified, not measured) and then measures. The warm-up
/// is timed rather than one answer per client because the runtime keeps recompiling hot code at higher tiers for
/// seconds after the first answers: with one answer each, the first seconds of the measured window still ran
/// partly unoptimised code, which charged the larger code path (the gateway's) more than the smaller one.
/// </summary>
/// <param name="Warmup">Zero: one answer per client, as before the timed warm-up.</param>
internal sealed record StreamWindow(TimeSpan Warmup, TimeSpan Duration);
