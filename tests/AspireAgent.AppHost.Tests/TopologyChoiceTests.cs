using AspireAgent.AppHost.Topology;
using Microsoft.Extensions.Configuration;

namespace AspireAgent.AppHost.Tests;

/// <summary>What the AppHost starts, decided from configuration and what the machine has.</summary>
public sealed class TopologyChoiceTests
{
    [Fact]
    public void A_container_runtime_that_answers_brings_the_redis_and_ollama_containers()
    {
        var choice = Decide([], runtime: "podman", programs: ["redis-server", "ollama"]);

        Assert.Equal("podman", choice.ContainerRuntime);
        Assert.Equal(RedisSource.Container, choice.Redis);
        Assert.Equal(ModelSource.Container, choice.Model);
    }

    [Fact]
    public void Without_containers_redis_server_and_ollama_from_path_run_as_executables()
    {
        var choice = Decide([], runtime: null, programs: ["redis-server", "ollama"]);

        Assert.Null(choice.ContainerRuntime);
        Assert.Equal(RedisSource.Executable, choice.Redis);
        Assert.Equal(ModelSource.Executable, choice.Model);
        Assert.Contains("/usr/bin/redis-server", choice.RedisReason, StringComparison.Ordinal);
        Assert.False(choice.IsOneProcess);
    }

    [Fact]
    public void With_neither_containers_nor_redis_server_it_is_the_one_process_host_with_the_simulated_model_and_says_why()
    {
        var choice = Decide([], runtime: null, programs: []);

        Assert.True(choice.IsOneProcess);
        Assert.Equal(ModelSource.Simulated, choice.Model);
        Assert.Contains("no redis-server on PATH", choice.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_strings_win_over_anything_the_machine_has()
    {
        var choice = Decide(
            new() { ["ConnectionStrings:redis"] = "cache:6379", ["ConnectionStrings:ollama"] = "Endpoint=http://gpu:11434;Model=llama3.2" },
            runtime: "docker",
            programs: ["redis-server"]);

        Assert.Equal(RedisSource.ConnectionString, choice.Redis);
        Assert.Equal(ModelSource.ConnectionString, choice.Model);
    }

    [Fact]
    public void Configuration_overrides_the_automatic_choice_and_an_impossible_one_fails_naming_the_setting()
    {
        var chosen = Decide(new() { ["AppHost:Redis"] = "Executable", ["AppHost:Model"] = "Simulated" }, runtime: "docker", programs: ["redis-server", "ollama"]);
        Assert.Equal(RedisSource.Executable, chosen.Redis);
        Assert.Equal(ModelSource.Simulated, chosen.Model);

        var noRuntime = Decide(new() { ["AppHost:ContainerRuntime"] = "none" }, runtime: "docker", programs: []);
        Assert.True(noRuntime.IsOneProcess);

        var impossible = Assert.Throws<InvalidOperationException>(() => Decide(new() { ["AppHost:Redis"] = "Container" }, runtime: null, programs: []));
        Assert.Contains("AppHost:Redis=Container", impossible.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publishing_targets_containers_whatever_this_machine_has()
    {
        var choice = TopologyChoice.Decide(new ConfigurationBuilder().Build(), publishing: true, _ => null, _ => false);

        Assert.Equal(RedisSource.Container, choice.Redis);
        Assert.Equal(ModelSource.Container, choice.Model);
    }

    private static TopologyChoice Decide(Dictionary<string, string?> settings, string? runtime, string[] programs) =>
        TopologyChoice.Decide(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            publishing: false,
            program => programs.Contains(program) ? $"/usr/bin/{program}" : null,
            candidate => candidate == runtime);
}
