using Microsoft.Extensions.Options;

namespace AspireAgent.Socket.Identity;

/// <summary>
/// Refuses to start a gateway that would accept tokens it cannot check: a mode that takes tokens needs a
/// source of keys, an audience, and an issuer to compare against.
/// </summary>
internal sealed class GatewayAuthenticationOptionsValidator : IValidateOptions<GatewayAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayAuthenticationOptions options)
    {
        if (!Enum.IsDefined(options.Mode))
        {
            return ValidateOptionsResult.Fail($"Gateway:Authentication:Mode '{options.Mode}' is not Anonymous, Jwt or Either.");
        }

        if (!options.AcceptsTokens)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority) && string.IsNullOrWhiteSpace(options.SigningKey))
        {
            failures.Add($"Mode {options.Mode} needs Gateway:Authentication:Authority or Gateway:Authentication:SigningKey.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"Mode {options.Mode} needs Gateway:Authentication:Audience.");
        }

        if (!string.IsNullOrWhiteSpace(options.Authority) && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            failures.Add("Gateway:Authentication:Authority must be an absolute URI.");
        }

        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            if (!TryDecodeKey(options.SigningKey, out var key) || key.Length < 32)
            {
                failures.Add("Gateway:Authentication:SigningKey must be base64 of at least 32 bytes (HS256).");
            }

            if (string.IsNullOrWhiteSpace(options.Authority) && string.IsNullOrWhiteSpace(options.Issuer))
            {
                failures.Add("Gateway:Authentication:SigningKey without an Authority needs Gateway:Authentication:Issuer.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool TryDecodeKey(string value, out byte[] key)
    {
        key = new byte[value.Length];
        if (Convert.TryFromBase64String(value, key, out var written))
        {
            key = key[..written];
            return true;
        }

        key = [];
        return false;
    }
}
