using OllamaSharp;
using OllamaSharp.Models;

namespace AspireAgent.Inference.Models.Ollama;

/// <summary>
/// OllamaSharp's client, with the streamed body tied to the caller's token. Once the headers are in,
/// HttpClient no longer watches the token, and OllamaSharp 5.5 reads lines without one, so cancelling a
/// stalled answer (interrupt, shutdown) would otherwise wait for the model's next token.
/// </summary>
internal sealed class StreamingOllamaApiClient(HttpClient http, string model) : OllamaApiClient(http, model)
{
    protected override async Task<HttpResponseMessage> SendToOllamaAsync(
        HttpRequestMessage requestMessage,
        OllamaRequest? ollamaRequest,
        HttpCompletionOption completionOption,
        CancellationToken cancellationToken)
    {
        var response = await base.SendToOllamaAsync(requestMessage, ollamaRequest, completionOption, cancellationToken)
            .ConfigureAwait(false);
        if (completionOption != HttpCompletionOption.ResponseHeadersRead || !cancellationToken.CanBeCanceled)
        {
            return response;
        }

        var original = response.Content;
        var body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var content = new StreamContent(new CancellableReadStream(body, cancellationToken));
        foreach (var header in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }
}
