using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>SMX0004: replaces TensorPrimitives.SoftMax(x, d) with Subtract(x, Max(x), d); Exp(d, d); Divide(d, Sum(d), d).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TensorPrimitivesSoftMaxCodeFixProvider)), Shared]
public sealed class TensorPrimitivesSoftMaxCodeFixProvider : NodeCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public TensorPrimitivesSoftMaxCodeFixProvider()
        : base(NumericsDescriptors.TensorPrimitivesSoftMaxId, "Use the stable Max, Subtract, Exp, Sum, Divide sequence", "SoftmaxGenerators.StableTensorSoftMax", FixAsync)
    {
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (context is null || root is null)
        {
            return null;
        }

        foreach (IInvocationOperation call in context.Analysis.SoftMaxCalls)
        {
            if (call.Syntax.Span == node.Span && TensorPlanner.PlanSoftMax(context, call) is { } plan)
            {
                return document.WithSyntaxRoot(plan.Apply(root));
            }
        }

        return null;
    }
}
