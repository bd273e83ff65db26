namespace AspireAgent.Web.Ops.InProcess;

/// <summary>
/// The instruments the ops view reads, by the names the gateway, worker and bus give them
/// (Services.Socket/Diagnostics/GatewayMetrics.cs, Services.Inference/Diagnostics/InferenceMetrics.cs,
/// Shared/AspireAgent.Bus/Diagnostics/BusMetrics.cs).
/// </summary>
public enum TrackedInstrument
{
    Connections,
    MessagesSent,
    DeliveryLatency,
    Tokens,
    Answers,
    TimeToFirstToken,
    Backlog,
}

public static class TrackedInstruments
{
    public const string GatewayMeter = "AspireAgent.Socket";
    public const string InferenceMeter = "AspireAgent.Inference";
    public const string BusMeter = "AspireAgent.Bus";

    public const string Connections = "aspireagent.gateway.connections.active";
    public const string MessagesSent = "aspireagent.gateway.messages.sent";
    public const string DeliveryLatency = "aspireagent.gateway.delivery.latency";
    public const string Tokens = "aspireagent.inference.tokens";
    public const string Answers = "aspireagent.inference.answers";
    public const string TimeToFirstToken = "aspireagent.inference.time_to_first_token";
    public const string Backlog = "aspireagent.bus.requests.backlog";

    public static TrackedInstrument? Find(string meter, string instrument) => (meter, instrument) switch
    {
        (GatewayMeter, Connections) => TrackedInstrument.Connections,
        (GatewayMeter, MessagesSent) => TrackedInstrument.MessagesSent,
        (GatewayMeter, DeliveryLatency) => TrackedInstrument.DeliveryLatency,
        (InferenceMeter, Tokens) => TrackedInstrument.Tokens,
        (InferenceMeter, Answers) => TrackedInstrument.Answers,
        (InferenceMeter, TimeToFirstToken) => TrackedInstrument.TimeToFirstToken,
        (BusMeter, Backlog) => TrackedInstrument.Backlog,
        _ => null,
    };
}
