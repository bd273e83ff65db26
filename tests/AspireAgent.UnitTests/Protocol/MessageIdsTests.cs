using AspireAgent.Protocol;

namespace AspireAgent.UnitTests.Protocol;

public sealed class MessageIdsTests
{
    [Fact]
    public void Both_kinds_are_twelve_url_safe_characters_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => MessageIds.New())
            .Concat(Enumerable.Range(0, 10_000).Select(_ => MessageIds.NewUnguessable()))
            .ToList();

        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]{12}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
