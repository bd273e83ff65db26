using AspireAgent.ServiceDefaults;
using AspireAgent.SignalRPeer.Hosting;
using AspireAgent.SignalRPeer.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
var peer = builder.AddSignalRPeer();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapHub<AnswerHub>(peer.Path);

app.Run();
