using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// An edit that computes a maximum before a statement and rewrites expressions to use it. Statements are given as
/// text with '\n' line breaks and four-space relative indentation; the applier indents them like the statement they
/// precede. Replacements are applied innermost first, so an outer replacement sees the rewritten inner one.
/// </summary>
internal sealed class ShiftPlan
{
    public ShiftPlan(SyntaxNode member, StatementSyntax? insertBefore, string maxName)
    {
        Member = member;
        InsertBefore = insertBefore;
        MaxName = maxName;
    }

    public SyntaxNode Member { get; }

    /// <summary>The statement to insert before, or null to turn an expression-bodied member into a block.</summary>
    public StatementSyntax? InsertBefore { get; }

    public string MaxName { get; }

    public List<string> Statements { get; } = new();

    /// <summary>Statements to put in place of <see cref="InsertBefore"/> (instead of before it), when not empty.</summary>
    public bool ReplaceInsertionStatement { get; set; }

    public List<(SyntaxNode Node, Func<SyntaxNode, string> Rewrite)> Replacements { get; } = new();

    /// <summary>Statements removed (moved into an inserted statement), after the replacements.</summary>
    public List<StatementSyntax> Removals { get; } = new();

    public bool ReturnsVoid { get; set; }

    /// <summary>Only the replacements: nothing is inserted.</summary>
    public bool ReplacementsOnly { get; private set; }

    public ShiftPlan WithoutInsertion()
    {
        ReplacementsOnly = true;
        return this;
    }

    public SyntaxNode Apply(SyntaxNode root)
    {
        var tracked = new List<SyntaxNode> { Member };
        if (InsertBefore is not null)
        {
            tracked.Add(InsertBefore);
        }

        tracked.AddRange(Replacements.Select(r => r.Node));
        tracked.AddRange(Removals);
        root = root.TrackNodes(tracked.Distinct());
        foreach ((SyntaxNode node, Func<SyntaxNode, string> rewrite) in Replacements.OrderByDescending(r => Depth(r.Node)))
        {
            SyntaxNode? current = root.GetCurrentNode(node);
            if (current is null)
            {
                continue;
            }

            ExpressionSyntax replacement = SyntaxFactory.ParseExpression(rewrite(current)).WithTriviaFrom(current);
            root = root.ReplaceNode(current, replacement);
        }

        if (Removals.Count > 0)
        {
            var removed = Removals.Select(r => root.GetCurrentNode(r)).OfType<StatementSyntax>().ToList();
            root = root.RemoveNodes(removed, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        if (ReplacementsOnly)
        {
            return root;
        }

        string endOfLine = Imports.EndOfLine(root);
        if (InsertBefore is not null)
        {
            SyntaxNode? statement = root.GetCurrentNode(InsertBefore);
            if (statement is null)
            {
                return root;
            }

            if (ReplaceInsertionStatement && statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
            {
                // The body of an if, else or loop: several statements need a block, laid out by the formatter.
                BlockSyntax block = SyntaxFactory.Block(Statements.Select(text => SyntaxFactory.ParseStatement(text)
                        .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                        .WithTrailingTrivia(SyntaxFactory.ElasticMarker)))
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return root.ReplaceNode(statement, block);
            }

            bool singleLine = IsOnLineOfPreviousToken(statement);
            string indentation = singleLine ? " " : Indentation(statement);
            var statements = Statements
                .Select(text => SyntaxFactory.ParseStatement(singleLine ? OneLine(text) : text.Replace("\n", endOfLine + indentation))
                    .WithLeadingTrivia(SyntaxFactory.Whitespace(indentation))
                    .WithTrailingTrivia(singleLine ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(endOfLine))))
                .ToList();
            if (!singleLine && statements.Count > 0 && Statements[Statements.Count - 1].EndsWith("}", StringComparison.Ordinal))
            {
                // A block statement (the maximum loop) is set off from the statement after it by a blank line.
                statements[statements.Count - 1] = statements[statements.Count - 1]
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine), SyntaxFactory.EndOfLine(endOfLine));
            }

            if (singleLine && !ReplaceInsertionStatement && statements.Count > 0)
            {
                statements[0] = statements[0].WithLeadingTrivia(statement.GetLeadingTrivia());
                root = root.ReplaceNode(statement, statement.WithLeadingTrivia(SyntaxFactory.Whitespace(" ")));
                statement = root.GetCurrentNode(InsertBefore)!;
            }

            if (ReplaceInsertionStatement)
            {
                if (statements.Count > 0)
                {
                    statements[0] = statements[0].WithLeadingTrivia(statement.GetLeadingTrivia());
                    statements[statements.Count - 1] = statements[statements.Count - 1].WithTrailingTrivia(statement.GetTrailingTrivia());
                }

                return root.ReplaceNode(statement, statements);
            }

            return root.InsertNodesBefore(statement, statements);
        }

        SyntaxNode? member = root.GetCurrentNode(Member);
        return member is null ? root : root.ReplaceNode(member, ToBlockBody(member));
    }

    private SyntaxNode ToBlockBody(SyntaxNode member)
    {
        ArrowExpressionClauseSyntax? arrow = member switch
        {
            BaseMethodDeclarationSyntax method => method.ExpressionBody,
            AccessorDeclarationSyntax accessor => accessor.ExpressionBody,
            _ => null,
        };
        if (arrow is null)
        {
            return member;
        }

        var statements = Statements.Select(text => SyntaxFactory.ParseStatement(text)
            .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
            .WithTrailingTrivia(SyntaxFactory.ElasticMarker)).ToList();
        ExpressionSyntax expression = arrow.Expression.WithoutTrivia();
        statements.Add(ReturnsVoid
            ? SyntaxFactory.ExpressionStatement(expression)
            : SyntaxFactory.ReturnStatement(expression));
        BlockSyntax block = SyntaxFactory.Block(statements).WithAdditionalAnnotations(Formatter.Annotation);
        return member switch
        {
            BaseMethodDeclarationSyntax method => WithBlock(method, block),
            AccessorDeclarationSyntax accessor => accessor.WithExpressionBody(null).WithSemicolonToken(default).WithBody(
                block.WithTrailingTrivia(accessor.SemicolonToken.TrailingTrivia)),
            _ => member,
        };
    }

    private static SyntaxNode WithBlock(BaseMethodDeclarationSyntax method, BlockSyntax block)
    {
        SyntaxTriviaList trailing = method.SemicolonToken.TrailingTrivia;
        BaseMethodDeclarationSyntax updated = method.WithExpressionBody(null).WithSemicolonToken(default);
        updated = updated.ReplaceToken(updated.ParameterList.CloseParenToken, updated.ParameterList.CloseParenToken.WithTrailingTrivia());
        SyntaxNode last = updated.ChildNodes().LastOrDefault() ?? updated;
        if (last != updated && last.GetTrailingTrivia().Any())
        {
            updated = updated.ReplaceNode(last, last.WithoutTrailingTrivia());
        }

        return updated.WithBody(block.WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed).WithTrailingTrivia(trailing))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static string OneLine(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(line.Trim());
        }

        return builder.ToString();
    }

    private static bool IsOnLineOfPreviousToken(SyntaxNode statement)
    {
        if (statement.GetLeadingTrivia().Any(SyntaxKind.EndOfLineTrivia))
        {
            return false;
        }

        SyntaxToken previous = statement.GetFirstToken().GetPreviousToken();
        return previous.RawKind != 0 && !previous.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia);
    }

    private static int Depth(SyntaxNode node) => node.Ancestors().Count();

    private static string Indentation(SyntaxNode statement)
    {
        SyntaxTriviaList leading = statement.GetLeadingTrivia();
        string indentation = string.Empty;
        foreach (SyntaxTrivia trivia in leading)
        {
            if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                indentation = trivia.ToString();
            }
            else if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                indentation = string.Empty;
            }
        }

        return indentation;
    }
}
