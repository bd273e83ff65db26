using AspireAgent.Bus;
using AspireAgent.Inference;
using AspireAgent.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAgentBus();
builder.AddInferenceWorker();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
