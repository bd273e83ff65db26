using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace AspireAgent.Web.Client;

/// <summary>
/// GET and read JSON with the browser's response streaming off. Streamed, the JSON reader stops at the end of the
/// value and the response is disposed before the fetch has seen the end of the body, so the browser aborts it and
/// logs a failed request — on every poll of /ops/metrics. Buffered, the fetch completes.
/// </summary>
public static class BufferedJson
{
    public static async Task<T?> GetAsync<T>(this HttpClient http, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.SetBrowserResponseStreamingEnabled(false);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(type, cancellationToken);
    }
}
