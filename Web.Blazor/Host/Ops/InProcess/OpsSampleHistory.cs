using Microsoft.Extensions.Options;

namespace AspireAgent.Web.Ops.InProcess;

/// <summary>The sampler's points over the configured window: a ring buffer, so memory stays flat however long the host runs.</summary>
public sealed class OpsSampleHistory(IOptions<OpsOptions> options)
{
    private readonly RingBuffer<OpsSample> _samples = new(options.Value.Points);

    public int Capacity => _samples.Capacity;

    public void Add(OpsSample sample) => _samples.Add(sample);

    public OpsSample[] Snapshot() => _samples.ToArray();
}
