using AspireAgent.ServiceDefaults;
using AspireAgent.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
var gateway = builder.AddChatUi();
if (gateway.IsStandalone)
{
    builder.AddStandaloneBackend();
}

var app = builder.Build();

app.MapDefaultEndpoints();
if (gateway.IsStandalone)
{
    app.MapStandaloneBackend();
}

app.MapChatUi();

app.Run();
