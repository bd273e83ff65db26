using AspireAgent.AppHost.Publishing;
using AspireAgent.AppHost.Resources;
using AspireAgent.AppHost.Topology;

// With Docker or Podman: Redis and Ollama containers. Without: redis-server and ollama from PATH, else the
// one-process host on the in-memory bus and the simulated model. The dashboard's "topology" row says which.
var builder = DistributedApplication.CreateBuilder(args);
var topology = TopologyChoice.Decide(builder.Configuration, builder.ExecutionContext.IsPublishMode, ExecutableLookup.OnPath, ExecutableLookup.Answers);
builder.AddTopologyReport(topology);
builder.AddContainerAppsEnvironment();

var model = AgentModel.Add(builder, topology);
if (builder.AddAgentRedis(topology) is { } redis)
{
    builder.AddDistributed(topology.Options, redis, model);
}
else
{
    builder.AddOneProcessHost(model);
}

builder.Build().Run();
