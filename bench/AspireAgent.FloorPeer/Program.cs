using AspireAgent.FloorPeer;
using AspireAgent.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFloorPeer();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseWebSockets();
app.Map("/ws", (HttpContext context, FloorConnections connections) => connections.HoldAsync(context));

app.Run();
