namespace AspireAgent.Socket.Identity;

/// <summary>Which identities the gateway accepts on the WebSocket upgrade.</summary>
public enum AuthenticationMode
{
    /// <summary>Only anonymous identities, issued and restored by the <c>hello</c> handshake (the demo's default).</summary>
    Anonymous,

    /// <summary>Only bearer tokens: an upgrade without a valid token gets 401.</summary>
    Jwt,

    /// <summary>
    /// A bearer token when one is presented (and 401 if it does not validate); without one, an anonymous identity.
    /// </summary>
    Either,
}
