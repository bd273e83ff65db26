using Microsoft.JSInterop;

namespace AspireAgent.Web.Client.Chat;

/// <summary>localStorage through the JS runtime: the identity token and the chosen encoding survive reloads.</summary>
public sealed class BrowserStorage(IJSRuntime js)
{
    public const string IdentityTokenKey = "aspireagent.identityToken";
    public const string EncodingKey = "aspireagent.encoding";

    public ValueTask<string?> GetAsync(string key) => js.InvokeAsync<string?>("localStorage.getItem", key);

    public ValueTask SetAsync(string key, string value) => js.InvokeVoidAsync("localStorage.setItem", key, value);
}
