using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Using directives that a fix needs.</summary>
internal static class Imports
{
    /// <summary>
    /// Adds <c>using {name};</c> to the file's top-level usings, in order (System namespaces first, then ordinal), unless
    /// the file already has it; <paramref name="endOfLine"/> is the file's line end, read before other edits. The caller
    /// decides whether the namespace is already in scope (global usings, usings inside a namespace).
    /// </summary>
    public static SyntaxNode Add(SyntaxNode root, string name, string endOfLine)
    {
        if (root is not CompilationUnitSyntax unit || unit.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == name))
        {
            return root;
        }

        // Parsed, not built: built tokens carry elastic trivia that the IDE's formatter would rewrite with its own line ends.
        UsingDirectiveSyntax directive = SyntaxFactory.ParseCompilationUnit("using " + name + ";" + endOfLine).Usings[0];
        int index = 0;
        while (index < unit.Usings.Count && !unit.Usings[index].GlobalKeyword.IsKind(SyntaxKind.None))
        {
            index++;
        }

        while (index < unit.Usings.Count && unit.Usings[index].Alias is null && unit.Usings[index].StaticKeyword.IsKind(SyntaxKind.None)
            && Compare(unit.Usings[index].Name?.ToString() ?? string.Empty, name) < 0)
        {
            index++;
        }

        if (unit.Usings.Count == 0)
        {
            // The first using: keep the file's leading comments (header, #nullable) above it and a blank line below it.
            SyntaxTriviaList leading = unit.GetLeadingTrivia();
            SyntaxNode first = unit.ChildNodes().First();
            unit = unit.ReplaceNode(first, first.WithLeadingTrivia(SyntaxFactory.EndOfLine(endOfLine)));
            return unit.WithUsings(unit.Usings.Add(directive.WithLeadingTrivia(leading)));
        }

        if (index == 0)
        {
            // Before the first using: it takes over the file's leading trivia.
            UsingDirectiveSyntax old = unit.Usings[0];
            unit = unit.ReplaceNode(old, old.WithLeadingTrivia());
            directive = directive.WithLeadingTrivia(old.GetLeadingTrivia());
        }

        return unit.WithUsings(unit.Usings.Insert(index, directive));
    }

    /// <summary>The file's line end: that of its first line break ("\n" when it has none).</summary>
    public static string EndOfLine(SyntaxNode root)
    {
        SyntaxTrivia trivia = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return trivia.IsKind(SyntaxKind.EndOfLineTrivia) ? trivia.ToString() : "\n";
    }

    /// <summary>System and System.* first, then ordinal: the order of the IDE's "sort usings".</summary>
    private static int Compare(string left, string right)
    {
        bool leftSystem = left == "System" || left.StartsWith("System.", StringComparison.Ordinal);
        bool rightSystem = right == "System" || right.StartsWith("System.", StringComparison.Ordinal);
        return leftSystem != rightSystem ? (leftSystem ? -1 : 1) : string.CompareOrdinal(left, right);
    }
}
