using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// The "use a generated kernel" actions of SMX0002 and SMX0003: code over a buffer of a compile-time constant length N
/// (<see cref="ConstantLengths"/>) that computes exactly what a layer function of <c>[Softmax(N)]</c> computes, up to the
/// stability fix. Every shape is recognized whole or not at all; anything else gets no action:
/// <list type="bullet">
/// <item><c>Log(x.Sum(Exp))</c> (also <c>v =&gt; Exp(v)</c>, <c>Select(Exp).Sum()</c>), and
/// <c>T sum = 0; foreach (T v in x) sum += Exp(v); ... Log(sum)</c> (or <c>for (int i = 0; i &lt; x.Length; i++) sum += Exp(x[i]);</c>)
/// where the sum is used nowhere else: <c>LogSumExp(x)</c>, the loop and the sum removed.</item>
/// <item><c>-Log(p[k])</c> of <c>p = Softmax(x)</c> (a one-argument method named like a softmax, as the rewrite assumes) or
/// of <c>TensorPrimitives.SoftMax(x, p)</c>: <c>SoftmaxCrossEntropy(x, k)</c> (<c>-SoftmaxCrossEntropy(x, k)</c> for
/// a log without the minus), where the log runs once per softmax.</item>
/// <item><c>for (int i = 0; i &lt; N; i++) y[i] = Log(p[i]);</c> right after such a softmax: <c>LogSoftmax(x, y)</c>.</item>
/// </list>
/// x, the sum, the exponentials and the log share one element type, float or double (no conversion anywhere), and
/// nothing between the softmax (or the loop) and the log can change x: only declarations of constants and new buffers
/// stand between them, and nothing with an effect runs before the log in its own statement.
/// </summary>
internal static partial class GeneratedLayerSites
{
    /// <summary>SMX0002's site at <paramref name="span"/>, or null where the generated log-sum-exp is not exactly the code's.</summary>
    public static async Task<GeneratedSoftmaxRewriter.Site?> LogSumExpAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        if (await FixContextAtAsync(document, span, cancellationToken).ConfigureAwait(false) is not (FixContext context, SyntaxNode node))
        {
            return null;
        }

        IInvocationOperation? log = context.Analysis.LogCalls.FirstOrDefault(candidate => candidate.Syntax.Span == node.Span);
        if (log is null || LogSumExpMatcher.Match(context.Analysis, log) is not { Shape: LogSumExpShape.Accumulated }
            || ScalarFunctionType(log.TargetMethod) is not SpecialType element
            || log.Arguments.Length != 1 || log.Arguments[0].Value.Type?.SpecialType != element
            || OperationHelpers.Unwrap(log.Arguments[0].Value) is not { } value || value.Type?.SpecialType != element
            || !GeneratedSoftmaxRewriter.TryLocate(document, context.Model, log.Syntax, cancellationToken, out INamedTypeSymbol type, out SyntaxNode member, out int order))
        {
            return null;
        }

        var lengths = new ConstantLengths(ConstantLengths.RootOf(log), new ConstantLengths.Symbols(context.Model.Compilation));
        IOperation? source;
        ImmutableArray<StatementSyntax> removed = ImmutableArray<StatementSyntax>.Empty;
        if (value is IInvocationOperation sum)
        {
            // log(x.Sum(Exp)): x is evaluated once, as before.
            source = LinqExponentials(sum, element, context.Analysis.Symbols);
        }
        else if (value is ILocalReferenceOperation { Local: { IsRef: false } local } && SummingLoop(log, local, element, context, lengths) is { } loop)
        {
            source = loop.Source;
            removed = ImmutableArray.Create(loop.Declaration, loop.Statement);
        }
        else
        {
            return null;
        }

        if (source is null || source.Syntax is not ExpressionSyntax sourceSyntax || !ConvertsToSpanOf(source.Type, element)
            || lengths.LengthOf(source) is not int length || length < 1 || length > UsageDescriptors.MaxLength
            || (!removed.IsEmpty && !BindsTheSame(context.Model, sourceSyntax, log.Syntax.SpanStart, cancellationToken)))
        {
            return null;
        }

        ExpressionSyntax input = sourceSyntax.WithoutTrivia();
        return new GeneratedSoftmaxRewriter.Site(document, order, log.Syntax, length, type, member, removed, Model.LayerFunctions.LogSumExp,
            (callee, current) => Call(callee, input).WithTriviaFrom(current));
    }

    /// <summary>SMX0003's site at <paramref name="span"/>, or null where the generated cross-entropy or log-softmax is not exactly the code's.</summary>
    public static async Task<GeneratedSoftmaxRewriter.Site?> LogOfSoftmaxAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        if (await FixContextAtAsync(document, span, cancellationToken).ConfigureAwait(false) is not (FixContext context, SyntaxNode node))
        {
            return null;
        }

        LogOfSoftmaxMatch? match = LogOfSoftmaxMatcher.Matches(context.Analysis).FirstOrDefault(m => m.Log.Syntax.Span == node.Span);
        if (match is not { Log: IInvocationOperation log, Producer: { } producer }
            || ScalarFunctionType(log.TargetMethod) is not SpecialType element
            || log.Arguments.Length != 1 || log.Arguments[0].Value is not { } argument
            || argument.Type?.SpecialType != element || OperationHelpers.Unwrap(argument).Type?.SpecialType != element
            || ElementAccess(OperationHelpers.Unwrap(argument)) is not (IOperation collection, IOperation index)
            || !GeneratedSoftmaxRewriter.TryLocate(document, context.Model, log.Syntax, cancellationToken, out INamedTypeSymbol type, out SyntaxNode member, out int order))
        {
            return null;
        }

        // The softmax: a method named like one, of the logits alone (returning the probabilities), or
        // TensorPrimitives.SoftMax(x, p) (writing them into p).
        NumericsSymbols symbols = context.Analysis.Symbols;
        IOperation? logits;
        IOperation? destination = null;
        if (LogOfSoftmaxMatcher.IsSoftmaxName(producer.TargetMethod.Name) && producer.Arguments.Length == 1)
        {
            logits = producer.Arguments[0].Value;
        }
        else if (symbols.IsTensorPrimitives(producer.TargetMethod, "SoftMax") && producer.Arguments.Length == 2)
        {
            logits = OperationHelpers.Argument(producer, 0);
            destination = OperationHelpers.Argument(producer, 1);
        }
        else
        {
            return null;
        }

        var lengths = new ConstantLengths(ConstantLengths.RootOf(log), new ConstantLengths.Symbols(context.Model.Compilation));
        if (logits is null || OperationHelpers.Unwrap(logits) is not { Syntax: ExpressionSyntax logitsSyntax } input
            || !OperationHelpers.IsPlainRead(input) || !ConvertsToSpanOf(input.Type, element)
            || lengths.LengthOf(input) is not int length || length < 1 || length > UsageDescriptors.MaxLength
            || (destination is not null && lengths.LengthOf(destination) != length))
        {
            return null;
        }

        // The probabilities the log reads: the producer's result itself (Math.Log(Softmax(x)[k])), or a local that the
        // statement of the producer, just before the log's, assigns.
        StatementSyntax? producerStatement = null;
        if (OperationHelpers.Unwrap(collection) != producer)
        {
            if (OperationHelpers.Unwrap(collection) is not ILocalReferenceOperation { Local: { IsRef: false } probabilities }
                || ProducerStatement(producer, probabilities, destination) is not { } statement)
            {
                return null;
            }

            producerStatement = statement;
        }

        ExpressionSyntax x = logitsSyntax.WithoutTrivia();

        // y[i] = Log(p[i]) for every i, right after the softmax: the log-softmax into y.
        if (producerStatement is not null && LogSoftmaxLoop(log, index, element, lengths, length) is { } loop)
        {
            if (!Follows(loop.Loop, producerStatement) || !BindsTheSame(context.Model, logitsSyntax, loop.Loop.SpanStart, cancellationToken)
                || !CannotPartlyOverlap(input, loop.Output))
            {
                return null;
            }

            ExpressionSyntax output = ((ExpressionSyntax)loop.Output.Syntax).WithoutTrivia();
            return new GeneratedSoftmaxRewriter.Site(document, order, loop.Loop, length, type, member, ImmutableArray<StatementSyntax>.Empty, Model.LayerFunctions.LogSoftmax,
                (callee, current) => SyntaxFactory.ExpressionStatement(Call(callee, x, output)).WithTriviaFrom(current));
        }

        // -Log(p[k]): the cross-entropy of label k, computed where the log was; the log must run once per softmax (in a
        // loop over the elements, one cross-entropy per element would repeat the whole row's work).
        if (index.Type?.SpecialType != SpecialType.System_Int32 || index.Syntax is not ExpressionSyntax indexSyntax
            || !OperationHelpers.IsPlainRead(index) || !context.Model.ClassifyConversion(indexSyntax, context.Model.Compilation.GetSpecialType(SpecialType.System_Int32)).IsImplicit)
        {
            return null;
        }

        if (producerStatement is not null)
        {
            if (StatementOf(log) is not { } logStatement || !Follows(logStatement, producerStatement) || RepeatsOrDefers(log, logStatement)
                || EffectBefore(log, logStatement, symbols) || !BindsTheSame(context.Model, logitsSyntax, log.Syntax.SpanStart, cancellationToken))
            {
                return null;
            }
        }

        ExpressionSyntax label = indexSyntax.WithoutTrivia();
        SyntaxNode replaced = NegatedContext(log.Syntax);
        return new GeneratedSoftmaxRewriter.Site(document, order, replaced, length, type, member, ImmutableArray<StatementSyntax>.Empty, Model.LayerFunctions.CrossEntropy,
            (callee, current) => CrossEntropyReplacement(current, Call(callee, x, label)));
    }

    private static async Task<(FixContext Context, SyntaxNode Node)?> FixContextAtAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || !root.FullSpan.Contains(span))
        {
            return null;
        }

        SyntaxNode node = root.FindNode(span, getInnermostNodeForTie: true);
        return await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false) is { } context ? (context, node) : null;
    }

    /// <summary>float or double when the method maps one value of that type to the same type.</summary>
    private static SpecialType? ScalarFunctionType(IMethodSymbol method) =>
        method.Parameters.Length == 1 && method.Parameters[0].RefKind == RefKind.None
        && method.ReturnType.SpecialType is SpecialType.System_Single or SpecialType.System_Double
        && method.Parameters[0].Type.SpecialType == method.ReturnType.SpecialType
            ? method.ReturnType.SpecialType
            : null;

    /// <summary>An array of <paramref name="element"/> or a (ReadOnly)Span of it: what a kernel's ReadOnlySpan parameter takes as is.</summary>
    private static bool ConvertsToSpanOf(ITypeSymbol? type, SpecialType element) =>
        type is IArrayTypeSymbol { Rank: 1 } array ? array.ElementType.SpecialType == element
        : ConstantLengths.IsSpan(type) && ((INamedTypeSymbol)type!).TypeArguments[0].SpecialType == element;

    /// <summary>A static exponential of one value of <paramref name="element"/>, applied to exactly <paramref name="exponent"/>'s value.</summary>
    private static bool IsExpOf(IOperation operation, SpecialType element, NumericsSymbols symbols, System.Func<IOperation, bool> exponent) =>
        operation is IInvocationOperation { Instance: null, Arguments.Length: 1 } exp
        && symbols.IsScalarExp(exp.TargetMethod) && ScalarFunctionType(exp.TargetMethod) == element
        && exp.Arguments[0].Value is not IConversionOperation && exponent(exp.Arguments[0].Value);

    /// <summary>The array of <c>x.Sum(Exp)</c>, <c>x.Sum(v =&gt; Exp(v))</c>, <c>x.Select(Exp).Sum()</c>; else null.</summary>
    private static IOperation? LinqExponentials(IInvocationOperation sum, SpecialType element, NumericsSymbols symbols)
    {
        if (!symbols.IsEnumerable(sum.TargetMethod, "Sum") || sum.Type?.SpecialType != element)
        {
            return null;
        }

        IOperation? source = OperationHelpers.SourceOf(sum);
        IOperation? selector = sum.Arguments.Length == 2 ? sum.Arguments[1].Value : null;
        if (selector is null && sum.Arguments.Length == 1 && source is not null
            && OperationHelpers.Unwrap(source) is IInvocationOperation { Arguments.Length: 2 } select && symbols.IsEnumerable(select.TargetMethod, "Select"))
        {
            source = OperationHelpers.SourceOf(select);
            selector = select.Arguments[1].Value;
        }

        if (source is null || selector is null || OperationHelpers.Unwrap(selector) is not IDelegateCreationOperation { Target: var target })
        {
            return null;
        }

        bool isExp = target switch
        {
            IMethodReferenceOperation { Instance: null, Method: var method } => symbols.IsScalarExp(method) && ScalarFunctionType(method) == element,
            IAnonymousFunctionOperation { Symbol.Parameters: { Length: 1 } parameters, Body.Operations: { Length: 1 } body }
                when parameters[0].Type.SpecialType == element && body[0] is IReturnOperation { ReturnedValue: { } returned } =>
                IsExpOf(returned, element, symbols, e => e is IParameterReferenceOperation { Parameter: var p } && SymbolEqualityComparer.Default.Equals(p, parameters[0])),
            _ => false,
        };
        IOperation array = OperationHelpers.Unwrap(source);
        return isExp && array.Type is IArrayTypeSymbol { Rank: 1 } type && type.ElementType.SpecialType == element ? array : null;
    }

    private sealed class Loop
    {
        public Loop(StatementSyntax declaration, StatementSyntax statement, IOperation source)
        {
            Declaration = declaration;
            Statement = statement;
            Source = source;
        }

        /// <summary>The sum's declaration.</summary>
        public StatementSyntax Declaration { get; }

        /// <summary>The loop that sums the exponentials.</summary>
        public StatementSyntax Statement { get; }

        /// <summary>A reference to the buffer whose exponentials are summed.</summary>
        public IOperation Source { get; }
    }

    /// <summary>
    /// <c>T sum = 0;</c> and, later in the same block, a loop over all of x whose only statement is
    /// <c>sum += Exp(element)</c> (or <c>sum = sum + Exp(element)</c>), the sum read by the log alone, which comes after
    /// the loop with only inert declarations between them.
    /// </summary>
    private static Loop? SummingLoop(IInvocationOperation log, ILocalSymbol sum, SpecialType element, FixContext context, ConstantLengths lengths)
    {
        if (sum.Type.SpecialType != element)
        {
            return null;
        }

        IVariableDeclaratorOperation? declarator = null;
        var references = new List<ILocalReferenceOperation>();
        foreach (IOperation operation in OperationHelpers.DescendantsAndSelf(lengths.Root))
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, sum))
            {
                references.Add(reference);
            }
            else if (operation is IVariableDeclaratorOperation declared && SymbolEqualityComparer.Default.Equals(declared.Symbol, sum))
            {
                declarator = declared;
            }
        }

        if (declarator?.GetVariableInitializer()?.Value is not { } initial || OperationHelpers.ConstantNumber(initial) != 0
            || declarator.Parent is not IVariableDeclarationOperation { Declarators.Length: 1, Parent: IVariableDeclarationGroupOperation { Declarations.Length: 1, Parent: IBlockOperation block } group }
            || declarator.Symbol.IsConst
            || group.Syntax is not LocalDeclarationStatementSyntax declarationSyntax)
        {
            return null;
        }

        // The accumulation: the one other reference (sum += term) or two (sum = sum + term).
        IOperation logArgument = OperationHelpers.Unwrap(log.Arguments[0].Value);
        List<ILocalReferenceOperation> others = references.Where(r => r != logArgument).OrderBy(r => r.Syntax.SpanStart).ToList();
        IOperation? term = null;
        IOperation? accumulation = null;
        if (others.Count == 1 && others[0].Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound && compound.Target == others[0])
        {
            term = compound.Value;
            accumulation = compound;
        }
        else if (others.Count == 2 && others[0].Parent is ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add } assignment
            && assignment.Target == others[0] && add.LeftOperand == others[1])
        {
            term = add.RightOperand;
            accumulation = assignment;
        }

        if (term is null || accumulation?.Parent is not IExpressionStatementOperation statement || references.Count != others.Count + 1)
        {
            return null;
        }

        IOperation? loopOperation = statement.Parent is IBlockOperation { Operations.Length: 1 } body ? body.Parent : statement.Parent;
        if (loopOperation is not ILoopOperation loop || loop.Parent != block || loop.Syntax is not StatementSyntax loopSyntax
            || block.Operations.IndexOf(group) >= block.Operations.IndexOf(loop))
        {
            return null;
        }

        // The exponent is the element itself: the foreach variable, or x[i] with the for loop's counter.
        NumericsSymbols symbols = context.Analysis.Symbols;
        IOperation? source = null;
        switch (loop)
        {
            case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation { Symbol: { IsRef: false } variable }, NextVariables.Length: 0 } forEach
                when variable.Type.SpecialType == element:
                if (IsExpOf(term, element, symbols, e => e is ILocalReferenceOperation { Local: var read } && SymbolEqualityComparer.Default.Equals(read, variable)))
                {
                    source = OperationHelpers.Unwrap(forEach.Collection);
                }

                break;
            case IForLoopOperation forLoop when Counter(forLoop) is { } counter:
                if (IsExpOf(term, element, symbols, e => ElementAccess(e) is (IOperation buffer, IOperation at) && IsLocal(at, counter)
                        && OperationHelpers.ReferencedSymbol(buffer) is ILocalSymbol or IParameterSymbol or IFieldSymbol)
                    && ElementAccess(((IInvocationOperation)term).Arguments[0].Value) is (IOperation read, _)
                    && lengths.LengthOf(read) is int n && RunsOver(forLoop, counter, n, OperationHelpers.ReferencedSymbol(read)!))
                {
                    source = OperationHelpers.Unwrap(read);
                }

                break;
        }

        if (source is null || OperationHelpers.ReferencedSymbol(source) is not (ILocalSymbol or IParameterSymbol or IFieldSymbol)
            || StatementOf(log) is not { } logStatement || !Follows(logStatement, loopSyntax)
            || RepeatsOrDefers(log, logStatement) || EffectBefore(log, logStatement, symbols))
        {
            return null;
        }

        return new Loop(declarationSyntax, loopSyntax, source);
    }

    private sealed class LogSoftmaxShape
    {
        public LogSoftmaxShape(StatementSyntax loop, IOperation output)
        {
            Loop = loop;
            Output = output;
        }

        public StatementSyntax Loop { get; }

        /// <summary>A reference to the buffer that receives the log-probabilities.</summary>
        public IOperation Output { get; }
    }

    /// <summary><c>for (int i = 0; i &lt; N; i++) y[i] = Log(p[i]);</c> with y a writable buffer of N elements; else null.</summary>
    private static LogSoftmaxShape? LogSoftmaxLoop(IInvocationOperation log, IOperation index, SpecialType element, ConstantLengths lengths, int length)
    {
        if (log.Parent is not ISimpleAssignmentOperation { Target: var target } assignment || assignment.Value != log
            || assignment.Parent is not IExpressionStatementOperation statement
            || (statement.Parent is IBlockOperation { Operations.Length: 1 } body ? body.Parent : statement.Parent) is not IForLoopOperation loop
            || loop.Syntax is not StatementSyntax loopSyntax
            || Counter(loop) is not { } counter || !IsLocal(index, counter)
            || ElementAccess(target) is not (IOperation output, IOperation at) || !IsLocal(at, counter)
            || OperationHelpers.ReferencedSymbol(output) is not (ILocalSymbol or IParameterSymbol) || output.Syntax is not ExpressionSyntax
            || !IsWritableSpanOf(OperationHelpers.Unwrap(output).Type, element)
            || lengths.LengthOf(output) != length || !RunsOver(loop, counter, length, OperationHelpers.ReferencedSymbol(output)!))
        {
            return null;
        }

        return new LogSoftmaxShape(loopSyntax, OperationHelpers.Unwrap(output));
    }

    /// <summary>An array or a Span (not a ReadOnlySpan) of <paramref name="element"/>.</summary>
    private static bool IsWritableSpanOf(ITypeSymbol? type, SpecialType element) =>
        type is IArrayTypeSymbol { Rank: 1 } array ? array.ElementType.SpecialType == element
        : ConstantLengths.IsSpan(type) && type!.Name == "Span" && ((INamedTypeSymbol)type).TypeArguments[0].SpecialType == element;

    /// <summary>
    /// The generated kernels reject an output that partly overlaps the input, which the loop did not: both are arrays
    /// (two arrays are the same or disjoint), or the output is a local buffer of its own (<c>new T[N]</c>, <c>stackalloc</c>).
    /// </summary>
    private static bool CannotPartlyOverlap(IOperation input, IOperation output)
    {
        if (input.Type is IArrayTypeSymbol && output.Type is IArrayTypeSymbol)
        {
            return true;
        }

        if (OperationHelpers.ReferencedSymbol(output) is not ILocalSymbol local || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: var initial })
        {
            return false;
        }

        while (initial is ParenthesizedExpressionSyntax parenthesized)
        {
            initial = parenthesized.Expression;
        }

        // Its constant length was proven, so the local is never assigned after its declaration.
        return initial is ArrayCreationExpressionSyntax or StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax;
    }

    /// <summary>The statement that assigns <paramref name="probabilities"/> from <paramref name="producer"/>: its declaration, an assignment, or the TensorPrimitives call.</summary>
    private static StatementSyntax? ProducerStatement(IInvocationOperation producer, ILocalSymbol probabilities, IOperation? destination)
    {
        IOperation? parent = OperationHelpers.ParentSkippingConversions(producer, out _);
        if (destination is not null)
        {
            return parent is IExpressionStatementOperation { Syntax: StatementSyntax call }
                && OperationHelpers.Unwrap(destination) is ILocalReferenceOperation { Local: var written } && SymbolEqualityComparer.Default.Equals(written, probabilities)
                ? call
                : null;
        }

        switch (parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var declared, Parent: IVariableDeclarationOperation { Declarators.Length: 1, Parent: IVariableDeclarationGroupOperation { Declarations.Length: 1 } } } declarator }
                when SymbolEqualityComparer.Default.Equals(declared, probabilities):
                return declarator.Syntax.FirstAncestorOrSelf<StatementSyntax>();
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var assigned }, Parent: IExpressionStatementOperation { Syntax: StatementSyntax statement } }
                when SymbolEqualityComparer.Default.Equals(assigned, probabilities):
                return statement;
            default:
                return null;
        }
    }

    private static InvocationExpressionSyntax Call(ExpressionSyntax callee, params ExpressionSyntax[] arguments) =>
        SyntaxFactory.InvocationExpression(
            callee.WithoutTrivia(),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments.Select(SyntaxFactory.Argument))));

    /// <summary>
    /// The node the cross-entropy replaces: <c>-Log(p)</c> (the minus goes), <c>a -= Log(p)</c> and <c>a - Log(p)</c>
    /// (become <c>+</c>: a - y is a + (-y) exactly); otherwise the log itself, which becomes <c>-SoftmaxCrossEntropy(...)</c>.
    /// </summary>
    private static SyntaxNode NegatedContext(SyntaxNode log) => log.Parent switch
    {
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negation => negation,
        AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SubtractAssignmentExpression } assignment when assignment.Right == log => assignment,
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } subtraction when subtraction.Right == log => subtraction,
        _ => log,
    };

    private static SyntaxNode CrossEntropyReplacement(SyntaxNode current, InvocationExpressionSyntax call)
    {
        switch (current)
        {
            case PrefixUnaryExpressionSyntax:
                return call.WithTriviaFrom(current);
            case AssignmentExpressionSyntax assignment:
                return SyntaxFactory.AssignmentExpression(SyntaxKind.AddAssignmentExpression, assignment.Left,
                        SyntaxFactory.Token(SyntaxKind.PlusEqualsToken).WithTriviaFrom(assignment.OperatorToken), call.WithTriviaFrom(assignment.Right))
                    .WithTriviaFrom(current);
            case BinaryExpressionSyntax subtraction:
                return SyntaxFactory.BinaryExpression(SyntaxKind.AddExpression, subtraction.Left,
                        SyntaxFactory.Token(SyntaxKind.PlusToken).WithTriviaFrom(subtraction.OperatorToken), call.WithTriviaFrom(subtraction.Right))
                    .WithTriviaFrom(current);
        }

        ExpressionSyntax negated = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, call);
        bool bare = current.Parent is ArgumentSyntax or EqualsValueClauseSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax
            or ParenthesizedExpressionSyntax or AssignmentExpressionSyntax or BinaryExpressionSyntax or InitializerExpressionSyntax;
        return (bare ? negated : SyntaxFactory.ParenthesizedExpression(negated)).WithTriviaFrom(current);
    }
}
