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

/// <summary>Maximum insertion for loops: the maximum loop repeats the headers of the for/foreach loops around the exponential (PlanLoop), or iterates the collection for while/do loops (PlanByCollection).</summary>
internal static partial class ShiftPlanner
{
    private static ShiftPlan? PlanLoop(FixContext context, ExpSite site, Accumulator accumulator, List<ExpSite> related, MaxFunctions functions, CancellationToken cancellationToken, List<ExpSite>? otherStores = null, (ExpSite Site, IfStatementSyntax IfElse)? alternative = null, IOperation? slotSum = null)
    {
        if (site.Exponent?.Syntax is not ExpressionSyntax exponent || !IsPure(context, site.Exponent))
        {
            return null;
        }

        SyntaxNode expNode = site.Node.Syntax;
        StatementSyntax? anchor = AnchorOf(context, accumulator, expNode, cancellationToken);
        if (anchor?.Parent is not BlockSyntax block)
        {
            return null;
        }

        StatementSyntax? insertion = expNode.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
        // The exponentials may come before the sum is declared (e[j] = exp(x[j]) in one loop, then double sum = 0 and
        // a loop adding e[j]): the maximum goes before them, in the same block.
        if (insertion is null || insertion == anchor)
        {
            return null;
        }

        // The loops from the insertion statement down to the exponential: for and foreach only.
        var chain = new List<StatementSyntax>();
        var guards = new List<ExpressionSyntax>();
        SyntaxNode child = expNode;
        for (SyntaxNode? node = expNode.Parent; node is not null; child = node, node = node.Parent)
        {
            switch (node)
            {
                case ForStatementSyntax forLoop when forLoop.Statement == child:
                    chain.Insert(0, forLoop);
                    break;
                case ForEachStatementSyntax forEach when forEach.Statement == child && forEach.AwaitKeyword.RawKind == 0:
                    chain.Insert(0, forEach);
                    break;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add" } } when child is ArgumentListSyntax:
                    // list.Add(Math.Exp(...)): stored in a list, like e[i] = Math.Exp(...).
                    break;
                case SwitchStatementSyntax switchStatement when child is SwitchSectionSyntax:
                    // case SoftMax: inside the loop: the maximum is taken on every pass, which is right when the
                    // switch takes the same section on every pass (checked below).
                    guards.Add(switchStatement.Expression);
                    break;
                case IfStatementSyntax ifStatement when child != ifStatement.Condition:
                    guards.Add(ifStatement.Condition);
                    break;
                case SwitchSectionSyntax or ElseClauseSyntax:
                    break;
                case BlockSyntax or ExpressionStatementSyntax or LocalDeclarationStatementSyntax or VariableDeclarationSyntax
                    or VariableDeclaratorSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ArgumentListSyntax
                    or BinaryExpressionSyntax or AssignmentExpressionSyntax or CastExpressionSyntax or ParenthesizedExpressionSyntax
                    or CheckedExpressionSyntax:
                    break;
                default:
                    return alternative is null ? PlanByCollection(context, site, related, functions, insertion, block) : null;
            }

            if (node == insertion)
            {
                break;
            }
        }

        if (chain.Count == 0 || chain[0] != insertion)
        {
            return alternative is null ? PlanByCollection(context, site, related, functions, insertion, block) : null;
        }

        // What the exponent reads must not change inside the loops, except the loop variables themselves.
        var loopVariables = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (StatementSyntax loop in chain)
        {
            CollectLoopVariables(context.Model, loop, loopVariables, cancellationToken);
        }

        if (!GuardsAreInvariant(context, guards, insertion, loopVariables))
        {
            return null;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(site.Exponent, read);
        foreach (ISymbol symbol in read)
        {
            if (loopVariables.Contains(symbol))
            {
                continue;
            }

            if (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => insertion.Span.Contains(r.Span)))
            {
                // Scores computed inside the loop body: a score pass first (ShiftPlanner.Scores.cs).
                return alternative is null ? PlanScores(context, site, related, functions, insertion, chain, loopVariables, cancellationToken) : null;
            }

            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (insertion.Span.Contains(write.Node.Syntax.Span) && !write.Element)
                {
                    // a.Score = Math.Exp(a.Score / t): the member of each element, read before it is overwritten.
                    if (IsOwnMemberStore(context, write, symbol, loopVariables, related)
                        && chain.OfType<ForEachStatementSyntax>().FirstOrDefault(l => context.Model.GetDeclaredSymbol(l, cancellationToken) is { } v
                            && ElementVariableOf(((ISimpleAssignmentOperation)write.Node).Target) is { } target && SymbolEqualityComparer.Default.Equals(v, target)) is { } loop
                        && MemberStaysOnCollection(context, symbol, loop, accumulator, related))
                    {
                        continue;
                    }

                    return null;
                }

                // An element write inside the loops is fine only when it is the exponential's own in-place store (or
                // the store of an exponential in a branch that never runs with it, or the sum's own slot).
                if (insertion.Span.Contains(write.Node.Syntax.Span) && write.Element && !IsOwnStore(context, write, related)
                    && !(otherStores is not null && IsOwnStore(context, write, otherStores)) && write.Node != slotSum)
                {
                    return null;
                }
            }
        }

        foreach (ExpSite other in related)
        {
            if (!block.Span.Contains(other.Node.Syntax.Span) || other.Node.Syntax.SpanStart < insertion.SpanStart)
            {
                return null;
            }
        }

        string max = UniqueName(context, insertion, "max");
        var plan = new ShiftPlan(context.Member, insertion, max);
        SourceText text = context.Model.SyntaxTree.GetText(cancellationToken);
        var builder = new StringBuilder();
        builder.Append(functions.TypeName).Append(' ').Append(max).Append(" = ").Append(functions.NegativeInfinity).Append(';');
        plan.Statements.Add(builder.ToString());
        builder.Clear();
        for (int i = 0; i < chain.Count; i++)
        {
            SyntaxToken close = chain[i] is ForStatementSyntax f ? f.CloseParenToken : ((ForEachStatementSyntax)chain[i]).CloseParenToken;
            string header = text.ToString(TextSpan.FromBounds(chain[i].GetFirstToken().SpanStart, close.Span.End));
            if (header.Contains('\n'))
            {
                return null;
            }

            builder.Append(new string(' ', 4 * i)).Append(header).Append('\n');
            builder.Append(new string(' ', 4 * i)).Append("{\n");
        }

        string indent = new string(' ', 4 * chain.Count);
        string Take(ExpressionSyntax taken) => max + " = " + MathCall(context, insertion, functions.Max) + "(" + max + ", " + taken.WithoutTrivia() + ");";
        if (alternative is not { } branches)
        {
            builder.Append(indent).Append(Take(exponent));
        }
        else
        {
            // if (corrected) e = exp(a) else e = exp(b), one branch per call: the maximum of the exponent the branch takes.
            IfStatementSyntax ifElse = branches.IfElse;
            if (!CanTakeAlternative(context, branches.Site, ifElse, chain, insertion, loopVariables, related.Concat(otherStores ?? new List<ExpSite>()).ToList())
                || branches.Site.Exponent?.Syntax is not ExpressionSyntax other)
            {
                return null;
            }

            bool siteFirst = ifElse.Statement.Span.Contains(site.Node.Syntax.Span);
            builder.Append(indent).Append("if (").Append(ifElse.Condition.WithoutTrivia()).Append(")\n")
                .Append(indent).Append("    ").Append(Take(siteFirst ? exponent : other)).Append('\n')
                .Append(indent).Append("else\n")
                .Append(indent).Append("    ").Append(Take(siteFirst ? other : exponent));
            related = related.Concat(new[] { branches.Site }).ToList();
        }

        for (int i = chain.Count - 1; i >= 0; i--)
        {
            builder.Append('\n').Append(new string(' ', 4 * i)).Append('}');
        }

        plan.Statements.Add(builder.ToString());
        AddShifts(context, plan, related, insertion, max);
        return plan;
    }

    /// <summary>
    /// While and do loops: when the exponent reads the loop index only as x[i], and the loop runs i over all of x
    /// (i &lt; x.Length / x.Count), the maximum is taken over the collection: foreach (var v in x) max = Math.Max(max, f(v)).
    /// </summary>
    private static ShiftPlan? PlanByCollection(FixContext context, ExpSite site, List<ExpSite> related, MaxFunctions functions, StatementSyntax insertion, BlockSyntax block)
    {
        if (site.Exponent is not { } exponent || exponent.Syntax is not ExpressionSyntax exponentSyntax)
        {
            return null;
        }

        ISymbol? collection = null;
        ILocalSymbol? index = null;
        var accesses = new List<SyntaxNode>();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(exponent))
        {
            (IOperation? owner, IOperation? indexOperation) = node switch
            {
                IArrayElementReferenceOperation { Indices.Length: 1 } array => (array.ArrayReference, array.Indices[0]),
                IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer => (indexer.Instance, indexer.Arguments[0].Value),
                _ => (null, null),
            };
            if (owner is null || indexOperation is null)
            {
                continue;
            }

            if (OperationHelpers.ReferencedSymbol(owner) is not { } ownerSymbol || OperationHelpers.Unwrap(indexOperation) is not ILocalReferenceOperation { Local: var local }
                || (collection is not null && !SymbolEqualityComparer.Default.Equals(collection, ownerSymbol))
                || (index is not null && !SymbolEqualityComparer.Default.Equals(index, local)))
            {
                return null;
            }

            collection = ownerSymbol;
            index = local;
            accesses.Add(node.Syntax);
        }

        if (collection is null || index is null)
        {
            return null;
        }

        ITypeSymbol? collectionType = collection switch
        {
            ILocalSymbol l => l.Type,
            IParameterSymbol p => p.Type,
            IFieldSymbol f => f.Type,
            _ => null,
        };
        bool iterable = collectionType is IArrayTypeSymbol { Rank: 1 }
            || collectionType is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan" or "List", TypeArguments.Length: 1 };
        if (!iterable)
        {
            return null;
        }

        // The index appears only inside x[i]; everything else the exponent reads is fixed during the loop.
        int indexReads = OperationHelpers.DescendantsAndSelf(exponent).Count(n => n is ILocalReferenceOperation { Local: var l } && SymbolEqualityComparer.Default.Equals(l, index));
        if (indexReads != accesses.Count)
        {
            return null;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(exponent, read);
        foreach (ISymbol symbol in read)
        {
            if (SymbolEqualityComparer.Default.Equals(symbol, index))
            {
                continue;
            }

            if (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => insertion.Span.Contains(r.Span)))
            {
                return null;
            }

            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (insertion.Span.Contains(write.Node.Syntax.Span) && (!write.Element || !IsOwnStore(context, write, related)))
                {
                    return null;
                }
            }
        }

        // The loop runs the index over the whole collection: while (i < x.Length) / do ... while (++i < x.Count).
        bool coversAll = insertion.DescendantNodesAndSelf().Any(n =>
            n is WhileStatementSyntax or DoStatementSyntax
            && (n is WhileStatementSyntax w ? w.Condition : ((DoStatementSyntax)n).Condition) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression } condition
            && IsIndex(condition.Left, index.Name)
            && condition.Right is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax owner, Name.Identifier.ValueText: "Length" or "Count" }
            && owner.Identifier.ValueText == collection.Name
            && n.Span.Contains(site.Node.Syntax.Span));
        if (!coversAll)
        {
            return null;
        }

        foreach (ExpSite other in related)
        {
            if (!block.Span.Contains(other.Node.Syntax.Span) || other.Node.Syntax.SpanStart < insertion.SpanStart)
            {
                return null;
            }
        }

        string max = UniqueName(context, insertion, "max");
        string element = UniqueName(context, insertion, "v", max);
        string shiftedExponent = exponentSyntax.ReplaceNodes(accesses, (original, _) => SyntaxFactory.IdentifierName(element).WithTriviaFrom(original)).WithoutTrivia().ToString();
        var plan = new ShiftPlan(context.Member, insertion, max);
        plan.Statements.Add(functions.TypeName + " " + max + " = " + functions.NegativeInfinity + ";");
        plan.Statements.Add("foreach (var " + element + " in " + collection.Name + ")\n{\n    " + max + " = " + MathCall(context, insertion, functions.Max) + "(" + max + ", " + shiftedExponent + ");\n}");
        AddShifts(context, plan, related, insertion, max, element);
        return plan;
    }

    private static bool IsIndex(ExpressionSyntax expression, string name) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } => operand.Identifier.ValueText == name,
        PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } => operand.Identifier.ValueText == name,
        _ => false,
    };

    private static bool IsOwnStore(FixContext context, Write write, List<ExpSite> related)
    {
        foreach (ExpSite site in related)
        {
            if (write.Value is not null && OperationHelpers.DescendantsAndSelf(write.Value).Contains(site.Node))
            {
                return true;
            }
        }

        // x[i] = e, where the local e holds only related exponentials.
        return write.Value is { } value && OperationHelpers.Unwrap(value) is ILocalReferenceOperation { Local: var local }
            && HoldsOnlyRelated(context, local, related);
    }

    /// <summary>Where the sum lives: its declaration, the statement that resets a field sum, or the statement of a Sum() call.</summary>
    private static StatementSyntax? AnchorOf(FixContext context, Accumulator accumulator, SyntaxNode expNode, CancellationToken cancellationToken)
    {
        switch (accumulator.Symbol)
        {
            case ILocalSymbol local:
                return local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            case IFieldSymbol field:
                StatementSyntax? reset = null;
                foreach (Write write in context.Analysis.WritesOf(field))
                {
                    if (write.Kind == WriteKind.Assign && !write.Element && write.Value is not null
                        && OperationHelpers.ConstantNumber(write.Value) == 0
                        && write.Node.Syntax.Parent is ExpressionStatementSyntax statement
                        && statement.SpanStart < expNode.SpanStart)
                    {
                        reset = statement;
                    }
                }

                return reset;
            case null when accumulator.Invocation is { } invocation:
                return invocation.Syntax.FirstAncestorOrSelf<StatementSyntax>();
            default:
                return null;
        }
    }

    private static void CollectLoopVariables(SemanticModel model, StatementSyntax loop, HashSet<ISymbol> into, CancellationToken cancellationToken)
    {
        switch (loop)
        {
            case ForStatementSyntax forLoop when forLoop.Declaration is not null:
                foreach (VariableDeclaratorSyntax variable in forLoop.Declaration.Variables)
                {
                    if (model.GetDeclaredSymbol(variable, cancellationToken) is { } symbol)
                    {
                        into.Add(symbol);
                    }
                }

                break;
            case ForStatementSyntax forLoop:
                // for (i = 0; ...): the initialized variables are loop variables too.
                foreach (ExpressionSyntax initializer in forLoop.Initializers)
                {
                    if (initializer is AssignmentExpressionSyntax { Left: IdentifierNameSyntax name }
                        && model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol)
                    {
                        into.Add(symbol);
                    }
                }

                break;
            case ForEachStatementSyntax forEach:
                if (model.GetDeclaredSymbol(forEach, cancellationToken) is { } iteration)
                {
                    into.Add(iteration);
                }

                break;
        }
    }
}
