using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0004: replaces TensorPrimitives.SoftMax(x, d) with Subtract(x, Max(x), d); Exp(d, d); Divide(d, Sum(d), d) (the
/// first action, the one the command line's <c>dotnet format</c> takes), or, second, with a call to a generated kernel:
/// <c>[Softmax]</c> on the containing type for a run-time length, <c>[Softmax(N)]</c> for a constant one as SMX0005's
/// fix (<see cref="TensorSoftMaxKernelSite"/>). Fix All follows the action chosen.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TensorPrimitivesSoftMaxCodeFixProvider)), Shared]
public sealed class TensorPrimitivesSoftMaxCodeFixProvider : NodeCodeFixProvider
{
    internal const string StableKey = "SoftmaxGenerators.StableTensorSoftMax";
    internal const string KernelKey = "SoftmaxGenerators.TensorSoftMaxToGeneratedKernel";

    private static readonly GeneratedKernelFix s_generated = new(UpgradeToGeneratedSoftmaxCodeFixProvider.Title, KernelKey, TensorSoftMaxKernelSite.FindAsync);

    /// <summary>Creates the provider.</summary>
    public TensorPrimitivesSoftMaxCodeFixProvider()
        : base(NumericsDescriptors.TensorPrimitivesSoftMaxId, "Use the stable Max, Subtract, Exp, Sum, Divide sequence", StableKey, FixAsync, s_generated)
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
