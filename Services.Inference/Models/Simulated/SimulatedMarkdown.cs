namespace AspireAgent.Inference.Models.Simulated;

/// <summary>
/// Lays the simulated words out in markdown — a heading, a paragraph, a list, a code block and a closing
/// sentence — so the UI's markdown rendering shows on the demo. Every token is one word with its leading
/// separator: a space, or the line breaks (and list or fence marker) that open a block. Answers too short
/// for that shape stay plain sentences.
/// </summary>
internal static class SimulatedMarkdown
{
    /// <summary>Fewer tokens than this are plain sentences.</summary>
    public const int MinStructuredTokens = 24;

    private const int HeadingWords = 3;
    private const int ListItems = 3;
    private const int CodeLineTokens = 4;

    public static string[] Layout(int count, Func<string> word, Func<int, int> next)
    {
        var tokens = new List<string>(count);
        if (count < MinStructuredTokens)
        {
            Sentences(tokens, count, word, next, opening: "");
            return [.. tokens];
        }

        var rest = count - 1 - HeadingWords;
        var list = Math.Max(ListItems * 2, rest / 4);
        var codeLines = Math.Max(1, (rest / 4 - 2) / CodeLineTokens);
        var code = 2 + (codeLines * CodeLineTokens);
        var closing = Math.Max(3, rest / 8);
        var paragraph = rest - list - code - closing;

        tokens.Add("##");
        for (var i = 0; i < HeadingWords; i++)
        {
            tokens.Add(" " + (i == 0 ? Capitalized(word()) : word()));
        }

        Sentences(tokens, paragraph, word, next, opening: "\n\n");
        List(tokens, list, word);
        Code(tokens, codeLines, word);
        Sentences(tokens, closing, word, next, opening: "\n\n");
        return [.. tokens];
    }

    private static void Sentences(List<string> tokens, int count, Func<string> word, Func<int, int> next, string opening)
    {
        var sentenceLeft = 0;
        for (var i = 0; i < count; i++)
        {
            var startsSentence = sentenceLeft == 0;
            if (startsSentence)
            {
                sentenceLeft = 5 + next(8);
            }

            var text = startsSentence ? Capitalized(word()) : word();
            sentenceLeft--;
            var endsSentence = sentenceLeft == 0 || i == count - 1;
            tokens.Add((i == 0 ? opening : " ") + text + (endsSentence ? "." : ""));
            if (endsSentence)
            {
                sentenceLeft = 0;
            }
        }
    }

    private static void List(List<string> tokens, int count, Func<string> word)
    {
        var perItem = count / ListItems;
        for (var item = 0; item < ListItems; item++)
        {
            tokens.Add(item == 0 ? "\n\n-" : "\n-");
            var words = item == ListItems - 1 ? count - (perItem * (ListItems - 1)) - 1 : perItem - 1;
            for (var i = 0; i < words; i++)
            {
                tokens.Add(" " + (i == 0 ? Capitalized(word()) : word()));
            }
        }
    }

    private static void Code(List<string> tokens, int lines, Func<string> word)
    {
        tokens.Add("\n\n```csharp");
        for (var line = 0; line < lines; line++)
        {
            // var answer = stream.Flows(token);
            tokens.Add("\nvar");
            tokens.Add(" " + word());
            tokens.Add(" =");
            tokens.Add($" {word()}.{Capitalized(word())}({word()});");
        }

        tokens.Add("\n```");
    }

    private static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
