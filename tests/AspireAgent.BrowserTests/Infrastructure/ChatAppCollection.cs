namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>The page tests share one host and one browser: starting either takes seconds.</summary>
[CollectionDefinition(Name)]
public sealed class ChatAppCollection : ICollectionFixture<ChatAppFixture>
{
    public const string Name = "Chat app";
}
