using System.Collections.Generic;
using System.Collections.Immutable;
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
/// Plans "compute the maximum first and subtract it inside each exponential" for a naive sum of exponentials, in
/// loops (the loop headers are repeated to compute the maximum of the exponent itself, so temperature, negation and
/// computed scores all work) and in LINQ (Max() of the same source). Every check that fails means no fix: a wrong
/// fix is worse than none.
/// </summary>
internal static class ShiftPlanner
{
    /// <summary>How the sum may be used besides being accumulated.</summary>
    public enum SumUse
    {
        /// <summary>Only as a divisor of the exponentials (softmax).</summary>
        Divisor,

        /// <summary>Only as the argument of the given log calls (log-sum-exp).</summary>
        Log,
    }

    public static ShiftPlan? Plan(FixContext context, ExpSite site, Accumulator accumulator, SumUse use, IReadOnlyCollection<IInvocationOperation> logs, CancellationToken cancellationToken)
    {
        if (!site.IsNaive || site.Kind == ExpSiteKind.Tensor || MaxFunctions.For(site.ValueType, context) is not { } functions)
        {
            return null;
        }

        BodyAnalysis analysis = context.Analysis;
        LinqInfo? linq = LinqInfo.Of(site);
        List<ExpSite> related = RelatedSites(context, site, linq);
        if (related.Count == 0 || !related.Contains(site))
        {
            return null;
        }

        // Every exponential that feeds this sum or is divided by it must be one of the related ones, and vice versa.
        foreach (ExpSite other in analysis.ExpSites)
        {
            bool isRelated = related.Contains(other);
            bool touches = FeedsOrDivides(context, other, accumulator);
            if (isRelated && !touches && other != site)
            {
                return null;
            }

            if (!isRelated && touches)
            {
                return null;
            }
        }

        HashSet<ISymbol> storage = StorageOf(related);
        if (!SumUsesAreSafe(context, accumulator, related, storage, use, logs, cancellationToken))
        {
            return null;
        }

        return linq is null
            ? PlanLoop(context, site, accumulator, related, functions, cancellationToken)
            : PlanLinq(context, site, linq, related, functions, cancellationToken);
    }

    /// <summary>For TensorPrimitives.Exp(x, d): every sum of d only divides d (a softmax), so shifting d is exact.</summary>
    public static bool TensorSumsOnlyDivide(FixContext context, ExpSite site, CancellationToken cancellationToken)
    {
        if (site.Node is not IInvocationOperation invocation || OperationHelpers.Argument(invocation, 1) is not { } destination
            || OperationHelpers.RootSymbol(destination) is not { } storageSymbol)
        {
            return false;
        }

        var related = new List<ExpSite> { site };
        var storage = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { storageSymbol };
        ImmutableArray<Accumulator> accumulators = context.Analysis.AccumulatorsOf(site);
        if (accumulators.IsEmpty)
        {
            return false;
        }

        foreach (Accumulator accumulator in accumulators)
        {
            if (!SumUsesAreSafe(context, accumulator, related, storage, SumUse.Divisor, ImmutableArray<IInvocationOperation>.Empty, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static ShiftPlan? PlanLoop(FixContext context, ExpSite site, Accumulator accumulator, List<ExpSite> related, MaxFunctions functions, CancellationToken cancellationToken)
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
        if (insertion is null || insertion == anchor
            || (accumulator.Symbol is not null && insertion.SpanStart < anchor.SpanStart))
        {
            return null;
        }

        // The loops from the insertion statement down to the exponential: for and foreach only.
        var chain = new List<StatementSyntax>();
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
                case BlockSyntax or ExpressionStatementSyntax or LocalDeclarationStatementSyntax or VariableDeclarationSyntax
                    or VariableDeclaratorSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ArgumentListSyntax
                    or BinaryExpressionSyntax or AssignmentExpressionSyntax or CastExpressionSyntax or ParenthesizedExpressionSyntax
                    or CheckedExpressionSyntax:
                    break;
                default:
                    return PlanByCollection(context, site, related, functions, insertion, block);
            }

            if (node == insertion)
            {
                break;
            }
        }

        if (chain.Count == 0 || chain[0] != insertion)
        {
            return PlanByCollection(context, site, related, functions, insertion, block);
        }

        // What the exponent reads must not change inside the loops, except the loop variables themselves.
        var loopVariables = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (StatementSyntax loop in chain)
        {
            CollectLoopVariables(context.Model, loop, loopVariables, cancellationToken);
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
                return null;
            }

            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (insertion.Span.Contains(write.Node.Syntax.Span) && !write.Element)
                {
                    return null;
                }

                // An element write inside the loops is fine only when it is the exponential's own in-place store.
                if (insertion.Span.Contains(write.Node.Syntax.Span) && write.Element && !IsOwnStore(write, related))
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

        builder.Append(new string(' ', 4 * chain.Count))
            .Append(max).Append(" = ").Append(MathCall(context, insertion, functions.Max)).Append('(').Append(max).Append(", ").Append(exponent.WithoutTrivia().ToString()).Append(");");
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
                if (insertion.Span.Contains(write.Node.Syntax.Span) && (!write.Element || !IsOwnStore(write, related)))
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

    /// <summary>exponent - max in every related exponential; a method group becomes a lambda.</summary>
    private static void AddShifts(FixContext context, ShiftPlan plan, List<ExpSite> related, SyntaxNode position, string max, params string[] taken)
    {
        string? element = null;
        foreach (ExpSite other in related)
        {
            if (other.Kind == ExpSiteKind.MethodGroup)
            {
                element ??= UniqueName(context, position, "v", taken.Concat(new[] { max }).ToArray());
                string name = element;
                plan.Replacements.Add((other.Node.Syntax, current => name + " => " + ((ExpressionSyntax)current).WithoutTrivia() + "(" + name + " - " + max + ")"));
            }
            else if (other.Exponent?.Syntax is ExpressionSyntax otherExponent)
            {
                plan.Replacements.Add((otherExponent, current => Shifted((ExpressionSyntax)current, max)));
            }
        }
    }

    private static bool IsIndex(ExpressionSyntax expression, string name) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } => operand.Identifier.ValueText == name,
        PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } => operand.Identifier.ValueText == name,
        _ => false,
    };

    private static ShiftPlan? PlanLinq(FixContext context, ExpSite site, LinqInfo linq, List<ExpSite> related, MaxFunctions functions, CancellationToken cancellationToken)
    {
        if (OperationHelpers.ReferencedSymbol(linq.Source) is not { } source || linq.Source.Syntax is not ExpressionSyntax sourceSyntax)
        {
            return null;
        }

        // The source must never be written in the body (except where it is declared).
        foreach (Write write in context.Analysis.WritesOf(source))
        {
            if (write.Element || write.Node is not IVariableDeclaratorOperation)
            {
                return null;
            }
        }

        if (linq.Lambda is not null && (site.Exponent is null || !IsPure(context, site.Exponent)))
        {
            return null;
        }

        SyntaxNode first = related.Select(r => r.Node.Syntax).OrderBy(n => n.SpanStart).First();
        StatementSyntax? statement = first.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax);
        bool expressionBodied = false;
        if (statement is null || !context.Member.Span.Contains(statement.Span))
        {
            // An expression-bodied member: the fix turns it into a block.
            ArrowExpressionClauseSyntax? arrow = context.Member switch
            {
                BaseMethodDeclarationSyntax method => method.ExpressionBody,
                AccessorDeclarationSyntax accessor => accessor.ExpressionBody,
                _ => null,
            };
            if (arrow is null || !arrow.Span.Contains(first.Span) || first.Ancestors().Any(a => a is StatementSyntax && arrow.Span.Contains(a.Span)))
            {
                return null;
            }

            expressionBodied = true;
            statement = null;
        }
        else
        {
            // Every related exponential is in this statement or after it, in the same block, and not in a nested lambda
            // whose parameter the maximum would depend on.
            foreach (ExpSite other in related)
            {
                if (!statement.Parent!.Span.Contains(other.Node.Syntax.Span) || other.Node.Syntax.SpanStart < statement.SpanStart)
                {
                    return null;
                }
            }
        }

        if (LinqInfo.Of(site) is not { } info)
        {
            return null;
        }

        // Max of the exponent: x.Max() for Math.Exp or v => Math.Exp(v), else x.Max(v => exponent).
        string maxExpression;
        if (info.Lambda is null || (site.Exponent is not null && OperationHelpers.Unwrap(site.Exponent) is IParameterReferenceOperation))
        {
            maxExpression = sourceSyntax.WithoutTrivia() + ".Max()";
        }
        else
        {
            string parameter = info.Lambda.Symbol.Parameters[0].Name;
            maxExpression = sourceSyntax.WithoutTrivia() + ".Max(" + parameter + " => " + ((ExpressionSyntax)site.Exponent!.Syntax).WithoutTrivia() + ")";
        }

        SyntaxNode position = (SyntaxNode?)statement ?? context.Member;
        string max = UniqueName(context, position, "max");
        var plan = new ShiftPlan(context.Member, statement, max);
        plan.ReturnsVoid = expressionBodied && context.Model.GetDeclaredSymbol(context.Member, cancellationToken) is IMethodSymbol { ReturnsVoid: true };
        plan.Statements.Add(functions.TypeName + " " + max + " = " + maxExpression + ";");
        AddShifts(context, plan, related, position, max);
        return plan;
    }

    /// <summary>System.Math.Max as Math.Max where 'Math' means System.Math at the position.</summary>
    public static string MathCall(FixContext context, SyntaxNode position, string call)
    {
        const string prefix = "System.Math.";
        if (!call.StartsWith(prefix, System.StringComparison.Ordinal))
        {
            return call;
        }

        var found = context.Model.LookupNamespacesAndTypes(position.SpanStart, name: "Math");
        return found.Length == 1 && found[0] is INamedTypeSymbol type && type.ToDisplayString() == "System.Math"
            ? call.Substring("System.".Length)
            : call;
    }

    /// <summary>exponent - max, parenthesized where precedence needs it.</summary>
    public static string Shifted(ExpressionSyntax exponent, string max)
    {
        ExpressionSyntax bare = exponent.WithoutTrivia();
        bool safe = bare is IdentifierNameSyntax or ElementAccessExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or PrefixUnaryExpressionSyntax or CastExpressionSyntax
            or PostfixUnaryExpressionSyntax
            || (bare is BinaryExpressionSyntax binary && binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression);
        return (safe ? bare.ToString() : "(" + bare + ")") + " - " + max;
    }

    private static bool IsOwnStore(Write write, List<ExpSite> related)
    {
        foreach (ExpSite site in related)
        {
            if (write.Value is not null && OperationHelpers.DescendantsAndSelf(write.Value).Contains(site.Node))
            {
                return true;
            }
        }

        return false;
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

    /// <summary>Exponentials with the same exponent as <paramref name="site"/>, up to the names of loop variables
    /// (loops) or of lambda parameters over the same source (LINQ).</summary>
    private static List<ExpSite> RelatedSites(FixContext context, ExpSite site, LinqInfo? linq)
    {
        var result = new List<ExpSite>();
        string? key = Key(context, site);
        if (key is null)
        {
            return result;
        }

        foreach (ExpSite other in context.Analysis.ExpSites)
        {
            if (!other.IsNaive || other.Kind == ExpSiteKind.Tensor)
            {
                continue;
            }

            LinqInfo? otherLinq = LinqInfo.Of(other);

            if (linq is not null && otherLinq is not null
                && !SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(linq.Source), OperationHelpers.ReferencedSymbol(otherLinq.Source)))
            {
                continue;
            }

            if (Key(context, other) == key)
            {
                result.Add(other);
            }
        }

        return result;
    }

    /// <summary>The exponent's text with loop variables and lambda parameters replaced by a placeholder.</summary>
    private static string? Key(FixContext context, ExpSite site)
    {
        if (site.Kind == ExpSiteKind.MethodGroup)
        {
            // Select(Math.Exp) over x: the element x[$], like a loop over the same collection.
            return site.EnclosingCall is { } call && OperationHelpers.SourceOf(call)?.Syntax is IdentifierNameSyntax source
                ? source.Identifier.ValueText + " [ $ ] "
                : "$";
        }

        if (site.Exponent?.Syntax is not { } syntax)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (SyntaxToken token in syntax.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is IdentifierNameSyntax name
                && context.Model.GetSymbolInfo(name).Symbol is { } symbol && IsVariableOfIteration(symbol))
            {
                // foreach (var v in x) ... v is the element x[$] of a for loop over the same collection.
                if (symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ForEachStatementSyntax { Expression: IdentifierNameSyntax collection })
                {
                    builder.Append(collection.Identifier.ValueText).Append(" [ $ ] ");
                    continue;
                }

                // x.Select(v => ...) or x.Sum(v => ...): v is the element x[$] too.
                if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol lambda }
                    && lambda.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is LambdaExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax source } } } } })
                {
                    builder.Append(source.Identifier.ValueText).Append(" [ $ ] ");
                    continue;
                }

                builder.Append("$ ");
                continue;
            }

            if (token.IsKind(SyntaxKind.OpenBracketToken) || token.IsKind(SyntaxKind.CloseBracketToken))
            {
                builder.Append(token.Text).Append(' ');
                continue;
            }

            builder.Append(token.Text).Append(' ');
        }

        return builder.ToString();
    }

    private static bool IsVariableOfIteration(ISymbol symbol)
    {
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
        {
            return true;
        }

        if (symbol is ILocalSymbol local)
        {
            foreach (SyntaxReference reference in local.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax();
                if (declaration is ForEachStatementSyntax
                    || declaration.Parent?.Parent is ForStatementSyntax
                    || declaration.Parent is ForEachVariableStatementSyntax)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The site adds to this sum, or is divided by it (directly or through a reciprocal).</summary>
    private static bool FeedsOrDivides(FixContext context, ExpSite site, Accumulator accumulator)
    {
        foreach (Accumulator other in context.Analysis.AccumulatorsOf(site))
        {
            if (Same(other, accumulator))
            {
                return true;
            }
        }

        ISymbol? sum = SumSymbol(accumulator);
        for (IOperation? current = site.Node; current is not null && current is not IBlockOperation; current = current.Parent)
        {
            IOperation? parent = current.Parent;
            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division && division.LeftOperand == current
                && ReferencesSum(division.RightOperand, accumulator, sum))
            {
                return true;
            }

            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product)
            {
                IOperation factor = product.LeftOperand == current ? product.RightOperand : product.LeftOperand;
                if (IsReciprocalOf(context, factor, accumulator, sum))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsReciprocalOf(FixContext context, IOperation factor, Accumulator accumulator, ISymbol? sum)
    {
        if (OperationHelpers.ReferencedSymbol(factor) is not ILocalSymbol local)
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(local))
        {
            if (write.Value is { } value && OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                && ReferencesSum(division.RightOperand, accumulator, sum))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(Accumulator a, Accumulator b) =>
        (a.Symbol is not null && b.Symbol is not null && SymbolEqualityComparer.Default.Equals(a.Symbol, b.Symbol))
        || (a.Invocation is not null && a.Invocation == b.Invocation);

    /// <summary>The variable that holds the sum: the accumulator itself, or the local a Sum() call is stored in.</summary>
    private static ISymbol? SumSymbol(Accumulator accumulator)
    {
        if (accumulator.Symbol is not null)
        {
            return accumulator.Symbol;
        }

        if (accumulator.Invocation is { } invocation
            && OperationHelpers.ParentSkippingConversions(invocation, out _) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return declarator.Symbol;
        }

        return null;
    }

    private static bool ReferencesSum(IOperation operation, Accumulator accumulator, ISymbol? sum) =>
        (sum is not null && OperationHelpers.References(operation, sum))
        || (accumulator.Invocation is not null && OperationHelpers.DescendantsAndSelf(operation).Contains(accumulator.Invocation));

    /// <summary>The variables the related exponentials are stored in (e[i] = exp(...), var e = x.Select(Math.Exp).ToArray()).</summary>
    private static HashSet<ISymbol> StorageOf(List<ExpSite> related)
    {
        var storage = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (ExpSite site in related)
        {
            IOperation current = site.Node;
            if (site.Kind == ExpSiteKind.MethodGroup && site.EnclosingCall is { } call)
            {
                current = call;
            }
            else if (LinqInfo.Of(site) is { Call: { } linqCall })
            {
                current = linqCall;
            }

            for (int depth = 0; depth < 8; depth++)
            {
                IOperation? parent = OperationHelpers.ParentSkippingConversions(current, out _);
                if (parent is IArgumentOperation { Parent: IInvocationOperation next } && next.TargetMethod.Name is "ToArray" or "ToList" or "AsEnumerable")
                {
                    current = next;
                    continue;
                }

                if (parent is ISimpleAssignmentOperation assignment && OperationHelpers.RootSymbol(assignment.Target) is { } target)
                {
                    storage.Add(target);
                }
                else if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                {
                    storage.Add(declarator.Symbol);
                }

                break;
            }
        }

        return storage;
    }

    /// <summary>
    /// Every use of the sum is one the shift keeps correct: accumulating it, resetting it to zero, dividing related
    /// exponentials (or where they are stored) by it, or (log-sum-exp) taking its log.
    /// </summary>
    private static bool SumUsesAreSafe(FixContext context, Accumulator accumulator, List<ExpSite> related, HashSet<ISymbol> storage, SumUse use, IReadOnlyCollection<IInvocationOperation> logs, CancellationToken cancellationToken)
    {
        ISymbol? sum = SumSymbol(accumulator);
        if (sum is null)
        {
            return accumulator.Invocation is { } invocation && UseIsSafe(context, invocation, related, storage, use, logs);
        }

        if (sum is IFieldSymbol)
        {
            // A field may be read by other members: only a fix inside one method is safe when the field is private
            // and every use is in this member.
            if (sum.DeclaredAccessibility != Accessibility.Private)
            {
                return false;
            }

            foreach (SyntaxReference reference in sum.ContainingType.DeclaringSyntaxReferences)
            {
                SyntaxNode type = reference.GetSyntax(cancellationToken);
                foreach (IdentifierNameSyntax name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText == sum.Name && !context.Member.Span.Contains(name.Span) && type.SyntaxTree == context.Member.SyntaxTree)
                    {
                        return false;
                    }

                    if (type.SyntaxTree != context.Member.SyntaxTree)
                    {
                        return false;
                    }
                }
            }
        }

        IOperation? body = context.Model.GetOperation(context.Member, cancellationToken);
        if (body is null)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (OperationHelpers.ReferencedSymbol(node) is not { } symbol || !SymbolEqualityComparer.Default.Equals(symbol, sum)
                || node is not (ILocalReferenceOperation or IFieldReferenceOperation))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            if (parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound && compound.Target == child)
            {
                continue;
            }

            if (parent is ISimpleAssignmentOperation assignment && assignment.Target == child)
            {
                if (OperationHelpers.ConstantNumber(assignment.Value) == 0
                    || (OperationHelpers.Unwrap(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add && OperationHelpers.References(add, sum)))
                {
                    continue;
                }

                return false;
            }

            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } selfAdd && parent.Parent is ISimpleAssignmentOperation selfAssignment
                && OperationHelpers.ReferencedSymbol(selfAssignment.Target) is { } selfTarget && SymbolEqualityComparer.Default.Equals(selfTarget, sum))
            {
                continue;
            }

            if (!UseIsSafe(context, node, related, storage, use, logs))
            {
                return false;
            }
        }

        return true;
    }

    private static bool UseIsSafe(FixContext context, IOperation read, List<ExpSite> related, HashSet<ISymbol> storage, SumUse use, IReadOnlyCollection<IInvocationOperation> logs)
    {
        IOperation current = read;
        for (int depth = 0; depth < 16; depth++)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                    current = parent;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } when use == SumUse.Divisor:
                    current = parent;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation log } when use == SumUse.Log:
                    return logs.Contains(log);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division when use == SumUse.Divisor && division.RightOperand == current:
                    return IsNumerator(division.LeftOperand, related, storage)
                        || (OperationHelpers.ConstantNumber(division.LeftOperand) == 1 && ReciprocalIsSafe(context, division, related, storage));
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound when use == SumUse.Divisor && compound.Value == current:
                    return OperationHelpers.RootSymbol(compound.Target) is { } target && storage.Contains(target);
                case IArgumentOperation { Parent: IInvocationOperation divide, Parameter.Ordinal: 1 } when use == SumUse.Divisor
                    && context.Analysis.Symbols.IsTensorPrimitives(divide.TargetMethod, "Divide"):
                    return OperationHelpers.Argument(divide, 0) is { } numerator && OperationHelpers.RootSymbol(numerator) is { } root && storage.Contains(root);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation } when read is IInvocationOperation:
                    return true; // checked through the local it is stored in
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool ReciprocalIsSafe(FixContext context, IOperation division, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        // inv = 1 / sum, then every use of inv multiplies a related exponential or its storage.
        if (OperationHelpers.ParentSkippingConversions(division, out _) is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(declarator.Symbol))
        {
            if (write.Node is not IVariableDeclaratorOperation)
            {
                return false;
            }
        }

        // Every read of the reciprocal multiplies a related exponential or where they are stored.
        SyntaxNode? scope = declarator.Syntax.FirstAncestorOrSelf<BlockSyntax>();
        IOperation? body = scope is null ? null : context.Model.GetOperation(context.Member);
        if (body is null)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            bool safe = parent switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product =>
                    IsNumerator(product.LeftOperand == child ? product.RightOperand : product.LeftOperand, related, storage),
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Multiply } compound when compound.Value == child =>
                    OperationHelpers.RootSymbol(compound.Target) is { } target && storage.Contains(target),
                IArgumentOperation { Parent: IInvocationOperation multiply, Parameter.Ordinal: 1 } when context.Analysis.Symbols.IsTensorPrimitives(multiply.TargetMethod, "Multiply") =>
                    OperationHelpers.Argument(multiply, 0) is { } factor && OperationHelpers.RootSymbol(factor) is { } root && storage.Contains(root),
                _ => false,
            };
            if (!safe)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNumerator(IOperation numerator, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(numerator))
        {
            foreach (ExpSite site in related)
            {
                if (site.Node == node)
                {
                    return true;
                }
            }

            if (OperationHelpers.ReferencedSymbol(node) is { } symbol && storage.Contains(symbol))
            {
                return true;
            }

            if (OperationHelpers.ElementCollection(node) is { } collection && storage.Contains(collection))
            {
                return true;
            }
        }

        // A lambda parameter over the storage (e.Select(v => v / s)) or a foreach variable over it.
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(numerator))
        {
            if (node is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
            {
                for (IOperation? current = node.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                    {
                        if (OperationHelpers.EnclosingCallOfDelegate(function) is { } call && OperationHelpers.SourceOf(call) is { } source
                            && OperationHelpers.RootSymbol(source) is { } root && storage.Contains(root))
                        {
                            return true;
                        }

                        break;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Only reads, arithmetic and pure math: the exponent can be evaluated again without side effects.</summary>
    private static bool IsPure(FixContext context, IOperation operation)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            switch (node)
            {
                case ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                    or IArrayElementReferenceOperation or IBinaryOperation or IUnaryOperation or IConversionOperation
                    or IInstanceReferenceOperation or IArgumentOperation:
                    break;
                case IPropertyReferenceOperation property when property.Property.GetMethod is not null:
                    break;
                case IInvocationOperation invocation when invocation.TargetMethod.IsStatic
                    && (context.Analysis.Symbols.IsMathMember(invocation.TargetMethod, invocation.TargetMethod.Name)
                        || invocation.TargetMethod.ContainingType?.TypeKind == TypeKind.Interface):
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>A local name not used anywhere in the member nor visible at the position.</summary>
    public static string UniqueName(FixContext context, SyntaxNode position, string preferred, params string[] taken)
    {
        var used = new HashSet<string>(taken);
        foreach (SyntaxToken token in context.Member.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                used.Add(token.ValueText);
            }
        }

        foreach (ISymbol symbol in context.Model.LookupSymbols(position.SpanStart))
        {
            used.Add(symbol.Name);
        }

        if (!used.Contains(preferred))
        {
            return preferred;
        }

        for (int i = 2; ; i++)
        {
            string candidate = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
