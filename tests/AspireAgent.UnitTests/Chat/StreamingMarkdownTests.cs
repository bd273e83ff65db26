using AspireAgent.Web.Client.Markdown;

namespace AspireAgent.UnitTests.Chat;

/// <summary>The chat's markdown: rendered incrementally as it streams, and never able to run script.</summary>
public sealed class StreamingMarkdownTests
{
    private const string Answer = "## Title\n\nA paragraph with **bold**.\n\n- one\n- two\n\n```csharp\nvar x = 1;\n\nvar y = 2;\n```\n\nThe end.";

    [Fact]
    public void Streamed_word_by_word_it_renders_what_the_whole_text_renders_and_keeps_finished_blocks()
    {
        var markdown = new StreamingMarkdown();
        var finishedSeen = new List<string>();
        var words = Answer.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            markdown.Append(i == 0 ? words[i] : " " + words[i]);
            Assert.StartsWith(string.Concat(finishedSeen), string.Concat(markdown.Finished), StringComparison.Ordinal); // never re-rendered
            finishedSeen = [.. markdown.Finished];
            _ = markdown.TailHtml;
        }

        Assert.Equal(SafeMarkdown.ToHtml(Answer), string.Concat(markdown.Finished) + markdown.TailHtml);
        Assert.Equal(4, markdown.Finished.Count); // heading, paragraph, list, code block (its blank line is inside the fence)
        Assert.Contains("<p>The end.</p>", markdown.TailHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_starts_over_for_a_reset_answer()
    {
        var markdown = new StreamingMarkdown();
        markdown.Append("# Old\n\nold text");
        markdown.Clear();
        markdown.Append("new");

        Assert.Empty(markdown.Finished);
        Assert.Equal("<p>new</p>\n", markdown.TailHtml);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;")]
    [InlineData("<img src=x onerror=alert(1)>", "&lt;img")]
    [InlineData("[x](javascript:alert(1))", "<a href=\"\"")]
    [InlineData("[x](java\tscript:alert(1))", "<p>[x](java")] // not a link at all
    [InlineData("[x](JAVASCRIPT:alert(1))", "<a href=\"\"")]
    [InlineData("[x](data:text/html,<script>alert(1)</script>)", "<a href=\"\"")]
    [InlineData("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;")]
    [InlineData("![x](javascript:alert(1))", "<img src=\"\"")]
    public void Hostile_markdown_renders_inert(string hostile, string expected)
    {
        var html = SafeMarkdown.ToHtml(hostile);

        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[x](https://example.com/a)", "href=\"https://example.com/a\"")]
    [InlineData("[x](/relative?a=b:c)", "href=\"/relative?a=b:c\"")]
    [InlineData("[x](mailto:a@example.com)", "href=\"mailto:a@example.com\"")]
    public void Safe_links_stay_links(string markdown, string expected) =>
        Assert.Contains(expected, SafeMarkdown.ToHtml(markdown), StringComparison.Ordinal);

    [Fact]
    public void Code_blocks_get_a_copy_button()
    {
        var html = SafeMarkdown.ToHtml("```\ncode\n```");

        Assert.Contains("class=\"copy-code\"", html, StringComparison.Ordinal);
        Assert.Contains("<pre><code>code\n</code></pre></div>", html, StringComparison.Ordinal);
    }
}
