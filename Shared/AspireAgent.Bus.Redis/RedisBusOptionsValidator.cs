using Microsoft.Extensions.Options;

namespace AspireAgent.Bus.Redis;

/// <summary>The rules between options that data annotations cannot state.</summary>
internal sealed class RedisBusOptionsValidator : IValidateOptions<RedisBusOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisBusOptions options)
    {
        // Two renewals must fit in a claim timeout, or one late renewal hands a live worker's answer to another.
        if (options.LeaseRenewInterval * 2 > options.ClaimTimeout)
        {
            return ValidateOptionsResult.Fail(
                $"Bus:Redis:LeaseRenewInterval ({options.LeaseRenewInterval}) must be at most half of Bus:Redis:ClaimTimeout ({options.ClaimTimeout}).");
        }

        return ValidateOptionsResult.Success;
    }
}
