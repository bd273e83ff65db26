using System.Data.Common;

namespace AspireAgent.Inference;

/// <summary>
/// Reads the connection string Aspire injects for an Ollama model resource (<c>Endpoint=…;Model=…</c>, the
/// CommunityToolkit form) or a bare URL, over the options bound from configuration.
/// </summary>
internal static class OllamaConnectionString
{
    public static void Apply(string? connectionString, OllamaOptions options)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var url) && IsHttp(url))
        {
            options.Endpoint = connectionString;
            return;
        }

        var name = $"ConnectionStrings:{options.ConnectionName}";
        DbConnectionStringBuilder pairs;
        try
        {
            pairs = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            options.ConnectionStringError = $"{name} is neither a URL nor of the form 'Endpoint=http://host:11434;Model=name'.";
            return;
        }

        if (Read(pairs, "Endpoint") is { } endpoint)
        {
            options.Endpoint = endpoint;
        }
        else
        {
            options.ConnectionStringError = $"{name} has no Endpoint; expected 'Endpoint=http://host:11434;Model=name'.";
        }

        if (Read(pairs, "Model") is { } model)
        {
            options.Model = model;
        }
    }

    public static bool IsHttp(Uri url) => url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;

    private static string? Read(DbConnectionStringBuilder pairs, string key) =>
        pairs.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text.Trim() : null;
}
