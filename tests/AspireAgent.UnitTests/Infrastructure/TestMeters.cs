using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAgent.UnitTests.Infrastructure;

/// <summary>A real <see cref="IMeterFactory"/>, as the host provides it, for code under test that records metrics.</summary>
internal static class TestMeters
{
    public static IMeterFactory Factory() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
