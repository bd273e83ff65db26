using Microsoft.JSInterop;

namespace AspireAgent.Web.Client.Chat;

/// <summary>localStorage through the JS runtime: the identity token, the chosen encoding and the open conversation survive reloads.</summary>
public sealed class BrowserStorage(IJSRuntime js)
{
    public const string IdentityTokenKey = "aspireagent.identityToken";
    public const string EncodingKey = "aspireagent.encoding";

    /// <summary>The open conversation, so that a reload shows it again (its history comes from the server).</summary>
    public const string ConversationKey = "aspireagent.conversationId";

    public ValueTask<string?> GetAsync(string key) => js.InvokeAsync<string?>("localStorage.getItem", key);

    public ValueTask SetAsync(string key, string value) => js.InvokeVoidAsync("localStorage.setItem", key, value);
}
