using System.Net.WebSockets;
using AspireAgent.Bus;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using AspireAgent.Protocol.Encoding;
using AspireAgent.Socket.Connections;
using AspireAgent.Socket.Diagnostics;
using AspireAgent.Socket.Flow;
using AspireAgent.Socket.Identity;
using AspireAgent.Socket.Options;
using AspireAgent.Socket.Sessions;
using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Endpoints;

/// <summary>
/// The upgrade: every refusal that can be decided before accepting is an HTTP status with a plain-text
/// reason (wrong method, foreign origin, missing or invalid bearer token, unsupported subprotocol, node full),
/// so clients and load balancers see it without speaking the protocol.
/// </summary>
internal sealed class WebSocketEndpoint(
    OriginPolicy origins,
    UpgradeAuthenticator authenticator,
    ConnectionRegistry registry,
    IInboundHandler inbound,
    IStreamStore streams,
    AcknowledgementFlusher acknowledgements,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    TimeProvider time,
    ConnectionTimers timers,
    IServiceProvider services,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("AspireAgent.Socket.Connection");

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            metrics.Attempt("not_websocket");
            await Refuse(context, StatusCodes.Status400BadRequest, "This endpoint only accepts WebSocket upgrades.");
            return;
        }

        if (!origins.IsAllowed(context.Request))
        {
            metrics.Attempt("origin_refused");
            _logger.OriginRefused(context.Request.Headers.Origin.ToString());
            await Refuse(context, StatusCodes.Status403Forbidden, "Origin not allowed.");
            return;
        }

        var identity = await authenticator.AuthenticateAsync(context);
        if (identity.Refusal is { } refusal)
        {
            metrics.Attempt("unauthorized");
            // The challenge sets 401 and WWW-Authenticate (with the token error, as RFC 6750 describes).
            await context.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
            await Refuse(context, StatusCodes.Status401Unauthorized, refusal);
            return;
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var codec = requested.Count == 0 ? MessageCodecs.Json : Negotiate(requested);
        if (codec is null)
        {
            metrics.Attempt("unsupported_subprotocol");
            await Refuse(context, StatusCodes.Status400BadRequest,
                $"Unsupported subprotocol '{string.Join(", ", requested)}'. Supported: {string.Join(", ", MessageCodecs.All.Select(c => c.SubProtocol))}.");
            return;
        }

        if (!registry.TryReserve())
        {
            metrics.Attempt("at_capacity");
            context.Response.Headers.RetryAfter = "5";
            await Refuse(context, StatusCodes.Status503ServiceUnavailable, "This node is at its connection limit; try another or retry later.");
            return;
        }

        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // A client that offered nothing gets JSON without an echoed subprotocol, as RFC 6455 requires.
                SubProtocol = requested.Count == 0 ? null : codec.SubProtocol,
                DangerousEnableCompression = options.Value.EnableCompression,

                // No WebSocket-level keep-alive: the protocol's heartbeat already proves the peer alive (and closes
                // it with 4001 when it is not), so the socket's own timer per connection and the unsolicited pong it
                // sends every two minutes would be memory and traffic for nothing.
                KeepAliveInterval = TimeSpan.Zero,
            });

            metrics.Attempt("accepted");
            await ReleaseRequestServicesAsync(context);
            await using var connection = new ClientConnection(socket, codec, options.Value, inbound, streams, acknowledgements, metrics, time, timers, _logger)
            {
                Subject = identity.Subject,
            };
            registry.Add(connection);
            metrics.Opened();
            var opened = time.GetTimestamp();
            try
            {
                _logger.Connected(connection.ConnectionId, codec.SubProtocol);
                await connection.RunAsync();
            }
            finally
            {
                registry.Remove(connection);
                metrics.Closed(time.GetElapsedTime(opened), connection.CloseStatus);
                _logger.Disconnected(connection.ConnectionId, (int?)connection.CloseStatus);
            }
        }
        finally
        {
            registry.Release();
        }
    }

    // The request's DI scope (the authentication middleware WebApplication adds opens one on every request) would
    // otherwise live, with what was resolved in it, as long as the WebSocket: hours, for every idle connection.
    // Nothing of a connection resolves scoped services, so the scope ends at the upgrade and the application's
    // services stand in for anything that still asks.
    private async ValueTask ReleaseRequestServicesAsync(HttpContext context)
    {
        if (context.Features.Get<IServiceProvidersFeature>() is IAsyncDisposable scope)
        {
            await scope.DisposeAsync();
            context.RequestServices = services;
        }
    }

    private static IMessageCodec? Negotiate(IList<string> requested)
    {
        foreach (var token in requested)
        {
            if (MessageCodecs.TryGetBySubProtocol(token.Trim(), out var codec))
            {
                return codec;
            }
        }

        return null;
    }

    private static Task Refuse(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason);
    }
}
