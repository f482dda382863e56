using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0005: adds <c>[Softmax(N)]</c> to the containing type (partial, with a unique method name when needed) and calls
/// the generated kernel instead of <c>TensorPrimitives.SoftMax</c>. Fix All adds each attribute once per type and
/// length, across partial declarations and documents.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpgradeToGeneratedSoftmaxCodeFixProvider)), Shared]
public sealed class UpgradeToGeneratedSoftmaxCodeFixProvider : CodeFixProvider
{
    internal const string Title = "Use a generated softmax kernel";
    internal const string EquivalenceKey = "SoftmaxGenerators.UseGeneratedSoftmax";

    private static readonly GeneratedKernelFix s_fix = new(Title, EquivalenceKey, GeneratedSoftmaxRewriter.FindSiteAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NumericsDescriptors.UseGeneratedSoftmaxId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => s_fix.FixAll;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            await s_fix.RegisterAsync(context, diagnostic).ConfigureAwait(false);
        }
    }
}
