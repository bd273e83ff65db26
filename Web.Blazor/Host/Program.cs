using AspireAgent.ServiceDefaults;
using AspireAgent.Web.Hosting;
using AspireAgent.Web.Ops;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
var gateway = builder.AddChatUi();
if (gateway.IsStandalone)
{
    builder.AddStandaloneBackend();
}

builder.AddOpsMetrics();

var app = builder.Build();

app.MapDefaultEndpoints();
if (gateway.IsStandalone)
{
    app.MapStandaloneBackend();
}

app.MapOpsMetrics();
app.MapChatUi();

app.Run();
