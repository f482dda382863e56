using Microsoft.CodeAnalysis;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>Short, single-line text of a call for diagnostic messages.</summary>
internal static class DiagnosticText
{
    private const int MaxLength = 80;

    public static string Describe(SyntaxNode node)
    {
        string text = node.ToString();
        var builder = new System.Text.StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return builder.Length <= MaxLength ? builder.ToString() : builder.ToString(0, MaxLength - 3) + "...";
    }
}
