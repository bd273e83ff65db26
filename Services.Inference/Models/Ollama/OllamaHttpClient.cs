using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AspireAgent.Inference.Models.Ollama;

/// <summary>
/// The named HttpClient that talks to Ollama. Its resilience differs from every other client's: a streamed
/// answer may last minutes, so there is no total timeout, and only a request whose response has not started
/// is retried (OllamaSharp reads with <see cref="HttpCompletionOption.ResponseHeadersRead"/>, so the handler
/// returns at the headers and never sees a failure in the body).
/// </summary>
internal static class OllamaHttpClient
{
    public const string Name = "AspireAgent.Inference.Ollama";

    public static IServiceCollection AddOllamaHttpClient(this IServiceCollection services)
    {
        var client = services.AddHttpClient(Name)
            .ConfigureHttpClient(static (services, http) =>
            {
                var options = services.GetRequiredService<IOptions<OllamaOptions>>().Value;
                if (!string.IsNullOrWhiteSpace(options.Endpoint))
                {
                    // Without the trailing slash, a base path (a reverse proxy's /ollama) would be dropped
                    // when OllamaSharp resolves its relative api/chat.
                    http.BaseAddress = new Uri(options.Endpoint.EndsWith('/') ? options.Endpoint : options.Endpoint + "/");
                }

                http.Timeout = Timeout.InfiniteTimeSpan;
            });

        // The service defaults give every client the standard handler, whose 30 s total timeout would cut long
        // answers; it is removed here, and handlers added after this line stay.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        client.AddResilienceHandler("ollama", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<OllamaOptions>>().Value;
            if (options.MaxRetryAttempts > 0)
            {
                // The default predicate is the transient one: connection failures, attempt timeouts, 408, 429, 5xx.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            // Ends with the headers: the timeout's token is released once the response starts streaming.
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.ResponseHeadersTimeout });
        });

        return services;
    }
}
