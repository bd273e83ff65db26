using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Options;

/// <summary>
/// Refuses to start a gateway whose batched acknowledgements could pause a producer: the gateway holds back
/// up to <see cref="GatewayOptions.AcknowledgeEvery"/> − 1 delivered chunks, so that must stay below the
/// producer's window or an answer to a client that reads everything would stall.
/// </summary>
/// <remarks>
/// The window is the inference worker's <c>Inference:Backpressure:Window</c>. The gateway reads the same key
/// from its own configuration, which deployments share (the AppHost sets both); absent, it assumes the
/// worker's default, <see cref="DefaultProducerWindow"/>.
/// </remarks>
internal sealed class GatewayOptionsValidator(IConfiguration configuration) : IValidateOptions<GatewayOptions>
{
    public const string ProducerWindowKey = "Inference:Backpressure:Window";

    /// <summary>The inference worker's default window (BackpressureOptions.Window).</summary>
    public const int DefaultProducerWindow = 64;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var window = configuration.GetValue(ProducerWindowKey, DefaultProducerWindow);
        return options.AcknowledgeEvery < window
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Gateway:AcknowledgeEvery ({options.AcknowledgeEvery}) must be below the producer's window {ProducerWindowKey} ({window}): " +
                "the producer would pause waiting for acknowledgements the gateway holds back.");
    }
}
