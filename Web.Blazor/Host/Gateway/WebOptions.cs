using System.ComponentModel.DataAnnotations;

namespace AspireAgent.Web.Gateway;

/// <summary>Bound from the <c>Web</c> section; checked on start.</summary>
public sealed class WebOptions : IValidatableObject
{
    public const string SectionName = "Web";

    /// <summary>
    /// Where the browser should open its WebSocket: an absolute ws(s):// or http(s):// URL, or a path on this
    /// host. Empty means "ask service discovery, else run the gateway in-process".
    /// </summary>
    public string? GatewayUrl { get; set; }

    /// <summary>
    /// For a gateway that signs users in: the browser localStorage key under which the deployment's sign-in
    /// leaves a bearer token. The UI reads it before every connection and sends it as <c>access_token</c>.
    /// Empty (the default): the UI connects anonymously.
    /// </summary>
    public string? AccessTokenStorageKey { get; set; }

    /// <summary>The gateway's endpoint path, appended to an address found through service discovery.</summary>
    [Required, RegularExpression("^/.*")]
    public string GatewayPath { get; set; } = "/ws";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(GatewayUrl) || GatewayUrl.StartsWith('/'))
        {
            yield break;
        }

        if (!Uri.TryCreate(GatewayUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            yield return new ValidationResult(
                $"Web:GatewayUrl must be a ws(s):// or http(s):// URL or a path starting with '/', not '{GatewayUrl}'.",
                [nameof(GatewayUrl)]);
        }
    }
}
