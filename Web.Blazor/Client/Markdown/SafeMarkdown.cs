using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AspireAgent.Web.Client.Markdown;

/// <summary>
/// Markdown to HTML for answers, which are untrusted text: raw HTML is shown as text, never parsed
/// (<c>DisableHtml</c>), and link or image targets other than http(s), mailto and page-relative ones are
/// dropped, so a <c>javascript:</c> link is inert. No extension that adds attributes from the text is enabled.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    public static string ToHtml(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        List<AutolinkInline> unsafeAutolinks = [];
        foreach (var inline in document.Descendants<Inline>())
        {
            switch (inline)
            {
                case LinkInline link:
                    link.Url = Safe(link.Url);
                    link.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer nofollow");
                    break;
                case AutolinkInline autolink when Safe(autolink.Url) is null:
                    unsafeAutolinks.Add(autolink);
                    break;
            }
        }

        // Shown as their text, not as links: <javascript:…> is a valid autolink in CommonMark.
        foreach (var autolink in unsafeAutolinks)
        {
            autolink.ReplaceBy(new LiteralInline($"<{autolink.Url}>"));
        }

        foreach (var reference in document.Descendants<LinkReferenceDefinition>())
        {
            reference.Url = Safe(reference.Url);
        }

        var html = Markdig.Markdown.ToHtml(document, Pipeline);

        // The copy button of code blocks; "<pre>" can only come from the renderer, since raw HTML is escaped.
        return html.Contains("<pre>", StringComparison.Ordinal)
            ? html.Replace("<pre>", """<div class="code"><button type="button" class="copy-code" data-testid="copy-code" title="Copy code">Copy</button><pre>""", StringComparison.Ordinal)
                .Replace("</pre>", "</pre></div>", StringComparison.Ordinal)
            : html;
    }

    /// <summary>The URL when it is harmless to follow; null otherwise.</summary>
    private static string? Safe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return url;
        }

        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so must we.
        var compact = new string([.. url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c))]);
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        var slash = compact.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return url; // relative: no scheme at all
        }

        var scheme = compact[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto" ? url : null;
    }
}
