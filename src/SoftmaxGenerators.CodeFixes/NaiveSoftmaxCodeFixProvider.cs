using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0001: computes the maximum first (a loop, Max() in LINQ, TensorPrimitives.Max) and subtracts it inside each
/// exponential of the softmax, keeping names, comments and formatting. No fix where the shape cannot be fixed safely.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveSoftmaxCodeFixProvider)), Shared]
public sealed class NaiveSoftmaxCodeFixProvider : NodeCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public NaiveSoftmaxCodeFixProvider()
        : base(NumericsDescriptors.NaiveSoftmaxId, "Subtract the maximum before exponentiating", "SoftmaxGenerators.SubtractMaximum", FixAsync)
    {
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        if (context?.FindSite(node) is not { } site)
        {
            return null;
        }

        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }

        if (site.Kind == ExpSiteKind.Tensor)
        {
            ShiftPlan? tensorPlan = ShiftPlanner.TensorSumsOnlyDivide(context, site, cancellationToken) ? TensorPlanner.PlanExp(context, site) : null;
            return tensorPlan is null ? null : document.WithSyntaxRoot(tensorPlan.Apply(root));
        }

        if (site.Kind == ExpSiteKind.Call && ElementwisePlanner.IsArrayValued(site.ValueType, context))
        {
            // np.exp(x) / np.sum(...): the whole array at once, with the library's own maximum.
            ShiftPlan? arrayPlan = ElementwisePlanner.Plan(context, site, context.Analysis.AccumulatorsOf(site));
            return arrayPlan is null ? null : document.WithSyntaxRoot(arrayPlan.Apply(root));
        }

        foreach (Accumulator accumulator in context.Analysis.AccumulatorsOf(site))
        {
            if (context.Analysis.SamplesOnly(accumulator))
            {
                if (ShiftPlanner.PlanSampling(context, site, accumulator, cancellationToken) is { } sampling)
                {
                    return document.WithSyntaxRoot(sampling.Apply(root));
                }

                continue;
            }

            if (!context.Analysis.Normalizes(accumulator, out _))
            {
                continue;
            }

            ShiftPlan? plan = ShiftPlanner.Plan(context, site, accumulator, ShiftPlanner.SumUse.Divisor, ImmutableArray<IInvocationOperation>.Empty, cancellationToken)
                ?? ShiftPlanner.PlanExtraSlot(context, site, accumulator, cancellationToken);
            if (plan is not null)
            {
                return document.WithSyntaxRoot(plan.Apply(root));
            }
        }

        return null;
    }
}
