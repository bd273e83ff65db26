using Microsoft.Extensions.Configuration;

namespace AspireAgent.AppHost.Topology;

/// <summary>What the AppHost starts, and why: decided once from configuration and what this machine has.</summary>
public sealed record TopologyChoice(
    TopologyOptions Options, string? ContainerRuntime, RedisSource Redis, string RedisReason, ModelSource Model, string ModelReason)
{
    /// <summary>No Redis: one process runs the UI, a gateway and a worker on the in-memory bus.</summary>
    public bool IsOneProcess => Redis == RedisSource.None;

    public string Summary => IsOneProcess
        ? $"one-process host on the in-memory bus ({RedisReason}); model: {Model} ({ModelReason})"
        : $"distributed on Redis: {Redis} ({RedisReason}); model: {Model} ({ModelReason})";

    /// <param name="publishing">Publishing (azd): the target runs containers, whatever this machine has.</param>
    public static TopologyChoice Decide(IConfiguration configuration, bool publishing, Func<string, string?> onPath, Func<string, bool> runtimeAnswers)
    {
        var options = configuration.GetSection(TopologyOptions.SectionName).Get<TopologyOptions>() ?? new TopologyOptions();
        var runtime = options.ContainerRuntime.ToLowerInvariant() switch
        {
            _ when publishing => "publish",
            "none" => null,
            "auto" => new[] { "docker", "podman" }.FirstOrDefault(runtimeAnswers),
            var named => named,
        };
        var runtimeNote = runtime is null ? "no container runtime" : $"{runtime} answers";

        var (redis, redisReason) = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis"))
            ? (RedisSource.ConnectionString, "ConnectionStrings:redis is set")
            : options.Redis switch
            {
                RedisSource.Auto when runtime is not null => (RedisSource.Container, runtimeNote),
                RedisSource.Auto when onPath("redis-server") is { } path => (RedisSource.Executable, $"{runtimeNote}; {path}"),
                RedisSource.Auto => (RedisSource.None, $"{runtimeNote} and no redis-server on PATH"),
                RedisSource.Container when runtime is null => throw Unavailable("AppHost:Redis=Container", runtimeNote),
                RedisSource.Executable when onPath("redis-server") is null => throw Unavailable("AppHost:Redis=Executable", "no redis-server on PATH"),
                RedisSource.ConnectionString => throw Unavailable("AppHost:Redis=ConnectionString", "ConnectionStrings:redis is not set"),
                var chosen => (chosen, "AppHost:Redis"),
            };

        var (model, modelReason) = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("ollama"))
            ? (ModelSource.ConnectionString, "ConnectionStrings:ollama is set")
            : options.Model switch
            {
                ModelSource.Auto when runtime is not null => (ModelSource.Container, runtimeNote),
                ModelSource.Auto when onPath("ollama") is { } path => (ModelSource.Executable, $"{runtimeNote}; {path}"),
                ModelSource.Auto => (ModelSource.Simulated, $"{runtimeNote} and no ollama on PATH"),
                ModelSource.Container when runtime is null => throw Unavailable("AppHost:Model=Container", runtimeNote),
                ModelSource.Executable when onPath("ollama") is null => throw Unavailable("AppHost:Model=Executable", "no ollama on PATH"),
                ModelSource.ConnectionString => throw Unavailable("AppHost:Model=ConnectionString", "ConnectionStrings:ollama is not set"),
                var chosen => (chosen, "AppHost:Model"),
            };

        return new TopologyChoice(options, runtime, redis, redisReason, model, modelReason);
    }

    private static InvalidOperationException Unavailable(string setting, string why) =>
        new($"{setting} cannot be honoured: {why}.");
}
