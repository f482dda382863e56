using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>What the layer sites need of the code around them: loops and their counters, element accesses, the statements
/// between a softmax and its log (inert or not), effects before the log, and names that bind the same at the new call.</summary>
internal static partial class GeneratedLayerSites
{
    /// <summary>x[i] of an array or a span: the buffer and the index (as the access sees them).</summary>
    private static (IOperation Buffer, IOperation Index)? ElementAccess(IOperation operation) => operation switch
    {
        IArrayElementReferenceOperation { Indices.Length: 1 } element => (element.ArrayReference, element.Indices[0]),
        IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer
            when ConstantLengths.IsSpan(instance.Type) => (instance, indexer.Arguments[0].Value),
        _ => null,
    };

    /// <summary>The counter of <c>for (int i = 0; ...; i++)</c> (or <c>++i</c>, <c>i += 1</c>) that the body does not write.</summary>
    private static ILocalSymbol? Counter(IForLoopOperation loop)
    {
        if (loop.Before.Length != 1
            || loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
            || group.Declarations[0].Declarators.Length != 1
            || group.Declarations[0].Declarators[0] is not { Symbol: { IsRef: false } counter } declarator
            || counter.Type.SpecialType != SpecialType.System_Int32
            || declarator.GetVariableInitializer()?.Value is not { } start || OperationHelpers.ConstantNumber(start) != 0
            || loop.AtLoopBottom.Length != 1)
        {
            return null;
        }

        IOperation step = loop.AtLoopBottom[0] is IExpressionStatementOperation expression ? expression.Operation : loop.AtLoopBottom[0];
        bool increments = step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } increment => IsLocal(increment.Target, counter),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound => IsLocal(compound.Target, counter) && OperationHelpers.ConstantNumber(compound.Value) == 1,
            _ => false,
        };
        return increments && !OperationHelpers.WriteTargets(loop.Body).Any(target => IsLocal(target, counter)) ? counter : null;
    }

    /// <summary><c>i &lt; N</c> or <c>i &lt; x.Length</c> for the buffer x of N elements.</summary>
    private static bool RunsOver(IForLoopOperation loop, ILocalSymbol counter, int length, ISymbol buffer)
    {
        if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition || !IsLocal(condition.LeftOperand, counter))
        {
            return false;
        }

        IOperation bound = OperationHelpers.Unwrap(condition.RightOperand);
        if (bound is IPropertyReferenceOperation { Property: { Name: "Length", IsIndexer: false }, Instance: { } instance })
        {
            return SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(instance), buffer);
        }

        return bound.ConstantValue.HasValue && bound.ConstantValue.Value is int constant && constant == length;
    }

    private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
        operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    /// <summary>The statement of the block around <paramref name="operation"/> that contains it.</summary>
    private static StatementSyntax? StatementOf(IOperation operation)
    {
        for (IOperation current = operation; current.Parent is not null; current = current.Parent)
        {
            if (current.Parent is IBlockOperation)
            {
                return current.Syntax as StatementSyntax;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="later"/> comes after <paramref name="earlier"/> in the same block, with only declarations of
    /// constants and new buffers between them: nothing that could change a value in between.
    /// </summary>
    private static bool Follows(StatementSyntax later, StatementSyntax earlier)
    {
        if (later.Parent is not BlockSyntax block || earlier.Parent != block)
        {
            return false;
        }

        int from = block.Statements.IndexOf(earlier);
        int to = block.Statements.IndexOf(later);
        if (from < 0 || to <= from)
        {
            return false;
        }

        for (int i = from + 1; i < to; i++)
        {
            if (!IsInert(block.Statements[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>const</c> declarations, and locals initialized with constants or new buffers of constants.</summary>
    private static bool IsInert(StatementSyntax statement)
    {
        if (statement is EmptyStatementSyntax)
        {
            return true;
        }

        if (statement is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } declaration)
        {
            return false;
        }

        foreach (SyntaxNode node in declaration.Declaration.DescendantNodes())
        {
            if (node is InvocationExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or AssignmentExpressionSyntax
                or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
                or PostfixUnaryExpressionSyntax or AwaitExpressionSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax
                or LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or QueryExpressionSyntax or ConditionalAccessExpressionSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The log may run several times, or later: it sits in a loop, a lambda or a local function of its statement.</summary>
    private static bool RepeatsOrDefers(IOperation log, StatementSyntax statement)
    {
        for (IOperation? current = log.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }

            if (current.Syntax == statement)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Something in the log's statement, written before the log and not around it, could have an effect: a call (other
    /// than a Math or MathF function, or a kernel this generator wrote), an assignment, a constructor.
    /// </summary>
    private static bool EffectBefore(IOperation log, StatementSyntax statement, NumericsSymbols symbols)
    {
        IOperation? root = log;
        while (root is not null && root.Syntax != statement)
        {
            root = root.Parent;
        }

        if (root is null)
        {
            return true;
        }

        foreach (IOperation operation in OperationHelpers.DescendantsAndSelf(root))
        {
            bool effect = operation is IObjectCreationOperation or IAssignmentOperation or IIncrementOrDecrementOperation
                or IAwaitOperation or IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IEventAssignmentOperation
                or IPropertyReferenceOperation { Property: { IsIndexer: false, Name: not ("Length" or "Count") } }
                || (operation is IInvocationOperation { TargetMethod: var method }
                    && !(method.IsStatic && symbols.IsMathMember(method, method.Name)) && !IsGeneratedKernel(method));
            if (effect && operation.Syntax.SpanStart < log.Syntax.SpanStart && !operation.Syntax.Span.Contains(log.Syntax.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A public method that this generator wrote: a kernel, which reads its inputs and writes only its outputs.</summary>
    private static bool IsGeneratedKernel(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.Name == "GeneratedCodeAttribute" && a.ConstructorArguments.Length == 2
            && a.ConstructorArguments[0].Value as string == SoftmaxUsageRules.GeneratedCodeTool);

    /// <summary>Every name in the expression means the same symbol at <paramref name="position"/> (no local or parameter hides it there).</summary>
    private static bool BindsTheSame(SemanticModel model, ExpressionSyntax expression, int position, CancellationToken cancellationToken)
    {
        foreach (IdentifierNameSyntax name in expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
            {
                continue; // the member of an expression that is itself checked
            }

            ISymbol? original = model.GetSymbolInfo(name, cancellationToken).Symbol;
            ISymbol? there = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(name.Identifier.ValueText), SpeculativeBindingOption.BindAsExpression).Symbol;
            if (original is null || !SymbolEqualityComparer.Default.Equals(original, there))
            {
                return false;
            }
        }

        return true;
    }
}
