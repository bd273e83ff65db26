namespace AspireAgent.LoadTool.Servers;

/// <summary>The managed-heap figures a server publishes on /metrics (the runtime's System.Runtime meter).</summary>
internal static class ServerMemory
{
    /// <summary>
    /// The GC heap size as of the last collection, all generations: live objects plus what the last GC left.
    /// Both servers publish it through the same ServiceDefaults, so it compares like with like.
    /// </summary>
    public static double HeapAfterLastGc(PrometheusScrape scrape) =>
        scrape.Has("dotnet_gc_last_collection_heap_size_bytes") ? scrape.Sum("dotnet_gc_last_collection_heap_size_bytes")
        : scrape.Sum("process_runtime_dotnet_gc_heap_size_bytes");

    /// <summary>Memory the GC has committed from the OS.</summary>
    public static double GcCommitted(PrometheusScrape scrape) =>
        scrape.Has("dotnet_gc_last_collection_memory_committed_size_bytes") ? scrape.Sum("dotnet_gc_last_collection_memory_committed_size_bytes")
        : scrape.Sum("process_runtime_dotnet_gc_committed_memory_size_bytes");
}
