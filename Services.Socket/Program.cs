using AspireAgent.Bus;
using AspireAgent.ServiceDefaults;
using AspireAgent.Socket;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAgentBus();
builder.AddSocketGateway();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSocketGateway();

app.Run();
