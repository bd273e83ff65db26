using System.Text;
using System.Text.Json;
using AspireAgent.IntegrationTests.Inference;

namespace AspireAgent.BrowserTests.Infrastructure;

/// <summary>What the scripted model answers, chosen by a keyword in the last user message.</summary>
internal static class ScriptedAnswers
{
    /// <summary>Characters of the long answer: the issue's measure of rendering cost.</summary>
    public const int LongAnswerChars = 20_000;

    /// <summary>Tokens of the slow answer and their pace: about five seconds, long enough to reload in the middle of.</summary>
    public const int SlowTokens = 100;

    public static readonly TimeSpan SlowTokenInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Markdown an attacker would like rendered: every line must show as text or as an inert element.</summary>
    public const string Hostile = """
        # Totally normal answer

        <script>window.__pwned = 'script';</script>

        <img src="x" onerror="window.__pwned = 'onerror'">

        [click me](javascript:window.__pwned='link') and [also](JaVaScRiPt:window.__pwned='case') and <javascript:window.__pwned='autolink'>

        [ref link][evil]

        <a href="javascript:window.__pwned='anchor'" onclick="window.__pwned='onclick'">raw anchor</a>

        ![image](javascript:window.__pwned='image')

        [evil]: javascript:window.__pwned='reference'

        ```html
        <script>window.__pwned = 'code';</script>
        ```

        A [safe link](https://example.com/) stays a link.
        """;

    public static async Task RespondAsync(OllamaExchange exchange)
    {
        var question = LastUserMessage(exchange);
        if (question.Contains("hostile", StringComparison.OrdinalIgnoreCase))
        {
            await exchange.StreamAsync(Words(Hostile), promptEvalCount: 5, evalCount: 40);
        }
        else if (question.Contains("long", StringComparison.OrdinalIgnoreCase))
        {
            var tokens = Words(LongMarkdown()).ToList();
            await exchange.StreamAsync(tokens, promptEvalCount: 5, evalCount: tokens.Count);
        }
        else
        {
            var interval = question.Contains("slow", StringComparison.OrdinalIgnoreCase) ? SlowTokenInterval : TimeSpan.FromMilliseconds(10);
            var tokens = Words(SlowMarkdown(question)).Take(SlowTokens).ToList();
            foreach (var token in tokens)
            {
                await exchange.SendTokensAsync([token]);
                await Task.Delay(interval, exchange.Context.RequestAborted);
            }

            await exchange.SendDoneAsync(promptEvalCount: 5, evalCount: tokens.Count);
        }
    }

    /// <summary>Paragraphs, lists and code blocks, repeated to 20,000 characters: a long answer as a model writes it.</summary>
    public static string LongMarkdown()
    {
        var text = new StringBuilder();
        for (var section = 1; text.Length < LongAnswerChars; section++)
        {
            text.Append($"## Part {section}\n\nThe stream keeps every chunk in order, and the gateway resumes after a cut without a gap or a duplicate. ")
                .Append("Each answer is written by one worker and read by any number of gateways.\n\n")
                .Append("- the first point of this part\n- the second point, with `inline code`\n- the third point\n\n")
                .Append("```csharp\nvar answer = await client.StreamAnswerAsync(conversation, question);\nConsole.WriteLine(answer);\n```\n\n");
        }

        return text.ToString(0, LongAnswerChars);
    }

    private static string SlowMarkdown(string question) =>
        $"## About {question.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "that"}\n\n"
        + string.Join(' ', Enumerable.Range(1, 40).Select(i => $"word{i}")) + "\n\n- one\n- two\n- three\n\n```text\n"
        + string.Join(' ', Enumerable.Range(1, 40).Select(i => $"code{i}")) + "\n```\n\nThe end.";

    /// <summary>Splits text into tokens of a word and the separator before it, as a model streams them.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])))
            {
                yield return text[start..i];
                start = i;
            }
        }
    }

    private static string LastUserMessage(OllamaExchange exchange) =>
        exchange.Request.GetProperty("messages").EnumerateArray()
            .LastOrDefault(m => m.GetProperty("role").GetString() == "user") is { ValueKind: JsonValueKind.Object } message
            ? message.GetProperty("content").GetString() ?? ""
            : "";
}
