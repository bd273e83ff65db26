namespace AspireAgent.Protocol.Client;

/// <summary>The server refused a request with an <c>error</c> frame; <see cref="Code"/> is one of <see cref="ErrorCodes"/>.</summary>
public sealed class AgentRequestException(ErrorMessage error) : Exception($"{error.Message} ({error.Code})")
{
    public string Code { get; } = error.Code;

    public bool Retryable { get; } = error.Retryable;
}
