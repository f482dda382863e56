using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Scores computed inside the exponentiating loop (<c>double z = w[k] * h + b[k]; e[k] = Math.Exp(z); sum += e[k];</c>):
/// a score pass first stores the scores where the exponentials go and tracks the maximum, then the loop exponentiates
/// the stored, shifted scores (<c>e[k] = Math.Exp(e[k] - max)</c>). Only where this is provably the same computation:
/// the score statements only write their own locals, call only pure math, never exit early, and read nothing the loop
/// writes.
/// </summary>
internal static partial class ShiftPlanner
{
    private static ShiftPlan? PlanScores(FixContext context, ExpSite site, List<ExpSite> related, MaxFunctions functions, StatementSyntax insertion, List<StatementSyntax> chain, HashSet<ISymbol> loopVariables, CancellationToken cancellationToken)
    {
        // One for loop with a block body; the exponential stored directly as e[k] = Exp(...) in that block.
        if (related.Count != 1 || chain.Count != 1 || insertion is not ForStatementSyntax loop || loop.Statement is not BlockSyntax body
            || site.Exponent?.Syntax is not ExpressionSyntax exponent)
        {
            return PlanScoresRecomputed(context, site, related, functions, insertion, chain, loopVariables, cancellationToken);
        }

        if (site.Node.Syntax.Parent is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } store
            || store.Right != site.Node.Syntax || store.Parent is not ExpressionStatementSyntax expStatement || expStatement.Parent != body
            || store.Left is not ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax storageName } target
            || SingleIdentifierIndex(target) is not { } indexName
            || context.Model.GetOperation(store, cancellationToken) is not ISimpleAssignmentOperation assignment || assignment.Value != site.Node
            || context.Model.GetSymbolInfo(storageName, cancellationToken).Symbol is not { } storageSymbol
            || storageSymbol is not (ILocalSymbol or IParameterSymbol)
            || context.Model.GetSymbolInfo(indexName, cancellationToken).Symbol is not ILocalSymbol index || !loopVariables.Contains(index))
        {
            return PlanScoresRecomputed(context, site, related, functions, insertion, chain, loopVariables, cancellationToken);
        }

        int at = body.Statements.IndexOf(expStatement);
        if (at <= 0)
        {
            return null;
        }

        List<StatementSyntax> scores = body.Statements.Take(at).ToList();
        var scoreLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (StatementSyntax statement in scores)
        {
            foreach (SyntaxNode node in statement.DescendantNodesAndSelf())
            {
                ISymbol? declared = node switch
                {
                    VariableDeclaratorSyntax declarator => context.Model.GetDeclaredSymbol(declarator, cancellationToken),
                    ForEachStatementSyntax forEach => context.Model.GetDeclaredSymbol(forEach, cancellationToken),
                    SingleVariableDesignationSyntax designation => context.Model.GetDeclaredSymbol(designation, cancellationToken),
                    _ => null,
                };
                if (declared is not null)
                {
                    scoreLocals.Add(declared);
                }
            }
        }

        // The exponent reads exactly one score local, of the type of the storage's elements.
        var exponentReads = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(site.Exponent, exponentReads);
        List<ISymbol> scoreReads = exponentReads.Where(scoreLocals.Contains).ToList();
        if (scoreReads.Count != 1 || scoreReads[0] is not ILocalSymbol score
            || !SymbolEqualityComparer.Default.Equals(score.Type, assignment.Target.Type)
            || !SymbolEqualityComparer.Default.Equals(score.Type, site.ValueType))
        {
            return null;
        }

        // The score statements: only their own locals are written, only pure math is called, no early exits, and
        // nothing they read (but the loop variables) is written anywhere in the loop.
        var scoreReadSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (StatementSyntax statement in scores)
        {
            if (context.Model.GetOperation(statement, cancellationToken) is not { } operation || !ScoreCodeIsPure(context, operation, scoreLocals))
            {
                return null;
            }

            OperationHelpers.CollectReferencedSymbols(operation, scoreReadSymbols);
        }

        foreach (ISymbol symbol in scoreReadSymbols.Concat(exponentReads))
        {
            if (scoreLocals.Contains(symbol) || loopVariables.Contains(symbol))
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(symbol, storageSymbol))
            {
                return null;
            }

            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (loop.Span.Contains(write.Node.Syntax.Span))
                {
                    return null;
                }
            }
        }

        // The loop variables change only in the header.
        foreach (ISymbol variable in loopVariables)
        {
            foreach (Write write in context.Analysis.WritesOf(variable))
            {
                if (body.Span.Contains(write.Node.Syntax.Span))
                {
                    return null;
                }
            }
        }

        // After the score statements, the score locals are never read, and the storage is read only as e[k].
        foreach (SyntaxNode node in body.Statements.Skip(at).SelectMany(s => s.DescendantNodesAndSelf()).Concat(new SyntaxNode[] { loop.Condition! }.Where(n => n is not null)).Concat(loop.Incrementors))
        {
            if (node is not IdentifierNameSyntax name || context.Model.GetSymbolInfo(name, cancellationToken).Symbol is not { } symbol)
            {
                continue;
            }

            if (scoreLocals.Contains(symbol) && !exponent.Span.Contains(name.Span))
            {
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(symbol, storageSymbol)
                && !(name.Parent is ElementAccessExpressionSyntax access && access.Expression == name
                    && SingleIdentifierIndex(access)?.Identifier.ValueText == index.Name))
            {
                return null;
            }
        }

        SourceText text = context.Model.SyntaxTree.GetText(cancellationToken);
        string header = text.ToString(TextSpan.FromBounds(loop.SpanStart, loop.CloseParenToken.Span.End));
        if (header.Contains('\n'))
        {
            return null;
        }

        string element = target.WithoutTrivia().ToString();
        ExpressionSyntax storedExponent = exponent.ReplaceNodes(
            exponent.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Where(n => SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, cancellationToken).Symbol, score)),
            (original, _) => SyntaxFactory.ParseExpression(element).WithTriviaFrom(original));
        string max = UniqueName(context, insertion, "max");
        var plan = new ShiftPlan(context.Member, insertion, max);
        plan.Statements.Add(functions.TypeName + " " + max + " = " + functions.NegativeInfinity + ";");
        var builder = new StringBuilder();
        builder.Append(header).Append("\n{\n");
        foreach (StatementSyntax statement in scores)
        {
            builder.Append(Reindented(text, statement, "    ")).Append('\n');
        }

        builder.Append("    ").Append(element).Append(" = ").Append(score.Name).Append(";\n");
        builder.Append("    ").Append(max).Append(" = ").Append(MathCall(context, insertion, functions.Max)).Append('(').Append(max).Append(", ")
            .Append(storedExponent.WithoutTrivia().ToString()).Append(");\n}");
        plan.Statements.Add(builder.ToString());
        plan.Replacements.Add((exponent, _ => Shifted(storedExponent, max)));
        plan.Removals.AddRange(scores);
        return plan;
    }

    /// <summary>
    /// Scores whose exponentials are not stored (<c>double z = ...; sum += Math.Exp(z);</c>, log-sum-exp): the maximum
    /// pass repeats the score statements (pure, so the same values) and takes the maximum of the exponent; the loop
    /// itself only gets the shifted exponent. No allocation; the score code runs twice.
    /// </summary>
    private static ShiftPlan? PlanScoresRecomputed(FixContext context, ExpSite site, List<ExpSite> related, MaxFunctions functions, StatementSyntax insertion, List<StatementSyntax> chain, HashSet<ISymbol> loopVariables, CancellationToken cancellationToken)
    {
        if (related.Count != 1 || chain.Count != 1 || site.Exponent?.Syntax is not ExpressionSyntax exponent)
        {
            return null;
        }

        (StatementSyntax body, SyntaxToken close) = insertion switch
        {
            ForStatementSyntax f => (f.Statement, f.CloseParenToken),
            ForEachStatementSyntax e => (e.Statement, e.CloseParenToken),
            _ => (null!, default),
        };
        if (body is not BlockSyntax block)
        {
            return null;
        }

        StatementSyntax? expStatement = site.Node.Syntax.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
        int at = expStatement is null ? -1 : block.Statements.IndexOf(expStatement);
        if (at <= 0)
        {
            return null;
        }

        List<StatementSyntax> scores = block.Statements.Take(at).ToList();
        var scoreLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (StatementSyntax statement in scores)
        {
            foreach (SyntaxNode node in statement.DescendantNodesAndSelf())
            {
                ISymbol? declared = node switch
                {
                    VariableDeclaratorSyntax declarator => context.Model.GetDeclaredSymbol(declarator, cancellationToken),
                    ForEachStatementSyntax forEach => context.Model.GetDeclaredSymbol(forEach, cancellationToken),
                    SingleVariableDesignationSyntax designation => context.Model.GetDeclaredSymbol(designation, cancellationToken),
                    _ => null,
                };
                if (declared is not null)
                {
                    scoreLocals.Add(declared);
                }
            }
        }

        var reads = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(site.Exponent, reads);
        if (!reads.Any(scoreLocals.Contains))
        {
            return null;
        }

        foreach (StatementSyntax statement in scores)
        {
            if (context.Model.GetOperation(statement, cancellationToken) is not { } operation || !ScoreCodeIsPure(context, operation, scoreLocals))
            {
                return null;
            }

            OperationHelpers.CollectReferencedSymbols(operation, reads);
        }

        // Everything the scores and the exponent read (but their own locals and the loop variables) is fixed during
        // the loop; locals declared elsewhere in the loop body are not visible to the maximum pass.
        foreach (ISymbol symbol in reads)
        {
            if (scoreLocals.Contains(symbol) || loopVariables.Contains(symbol))
            {
                continue;
            }

            if (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => insertion.Span.Contains(r.Span)))
            {
                return null;
            }

            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (insertion.Span.Contains(write.Node.Syntax.Span))
                {
                    return null;
                }
            }
        }

        foreach (ISymbol variable in loopVariables)
        {
            foreach (Write write in context.Analysis.WritesOf(variable))
            {
                if (block.Span.Contains(write.Node.Syntax.Span))
                {
                    return null;
                }
            }
        }

        SourceText text = context.Model.SyntaxTree.GetText(cancellationToken);
        string header = text.ToString(TextSpan.FromBounds(insertion.SpanStart, close.Span.End));
        if (header.Contains('\n'))
        {
            return null;
        }

        string max = UniqueName(context, insertion, "max");
        var plan = new ShiftPlan(context.Member, insertion, max);
        plan.Statements.Add(functions.TypeName + " " + max + " = " + functions.NegativeInfinity + ";");
        var builder = new StringBuilder();
        builder.Append(header).Append("\n{\n");
        foreach (StatementSyntax statement in scores)
        {
            builder.Append(Reindented(text, statement, "    ")).Append('\n');
        }

        builder.Append("    ").Append(max).Append(" = ").Append(MathCall(context, insertion, functions.Max)).Append('(').Append(max).Append(", ")
            .Append(exponent.WithoutTrivia().ToString()).Append(");\n}");
        plan.Statements.Add(builder.ToString());
        AddShifts(context, plan, related, insertion, max);
        return plan;
    }

    /// <summary>Only reads, arithmetic, pure math, loops and conditions; writes only to the score locals; no exits.</summary>
    private static bool ScoreCodeIsPure(FixContext context, IOperation operation, HashSet<ISymbol> scoreLocals)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            switch (node)
            {
                case ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                    or IArrayElementReferenceOperation or IBinaryOperation or IUnaryOperation or IConversionOperation
                    or IInstanceReferenceOperation or IArgumentOperation or IVariableDeclarationGroupOperation
                    or IVariableDeclarationOperation or IVariableDeclaratorOperation or IVariableInitializerOperation
                    or IExpressionStatementOperation or IBlockOperation or IForLoopOperation or IConditionalOperation
                    or IParenthesizedOperation or IEmptyOperation:
                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: false } property when property.Property.GetMethod is not null
                    && property.Property.Name is "Length" or "Count":
                    break;
                case IInvocationOperation invocation when invocation.TargetMethod.IsStatic
                    && context.Analysis.Symbols.IsMathMember(invocation.TargetMethod, invocation.TargetMethod.Name):
                    break;
                case IAssignmentOperation assignment when OperationHelpers.Unwrap(assignment.Target) is ILocalReferenceOperation { Local: var local }
                    && scoreLocals.Contains(local):
                    break;
                case IIncrementOrDecrementOperation increment when OperationHelpers.Unwrap(increment.Target) is ILocalReferenceOperation { Local: var local }
                    && scoreLocals.Contains(local):
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static IdentifierNameSyntax? SingleIdentifierIndex(ElementAccessExpressionSyntax access) =>
        access.ArgumentList.Arguments.Count == 1 ? access.ArgumentList.Arguments[0].Expression as IdentifierNameSyntax : null;

    /// <summary>The statement's text (without leading trivia), its lines re-indented relative to its first line.</summary>
    private static string Reindented(SourceText text, StatementSyntax statement, string indentation)
    {
        int column = text.Lines.GetLinePosition(statement.SpanStart).Character;
        string[] lines = text.ToString(statement.Span).Replace("\r\n", "\n").Split('\n');
        var builder = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (i > 0)
            {
                builder.Append('\n');
                int strip = 0;
                while (strip < column && strip < line.Length && line[strip] == ' ')
                {
                    strip++;
                }

                line = line.Substring(strip);
            }

            builder.Append(line.Length == 0 ? line : indentation + line);
        }

        return builder.ToString();
    }
}
