using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Diagnostics;
using SoftmaxGenerators.Tests.Infrastructure;
using Xunit;

namespace SoftmaxGenerators.Tests.Docs;

/// <summary>Every diagnostic the package can report has a docs page and a help link to it, and is release-tracked.</summary>
public class RuleDocumentationTests
{
    public static IEnumerable<object[]> Descriptors() =>
        typeof(SoftmaxUsageRules).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => new object[] { g.Key, g.First() });

    [Fact]
    public void There_are_descriptors() => Assert.NotEmpty(Descriptors());

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void Descriptor_has_a_docs_page_and_help_link(string id, DiagnosticDescriptor descriptor)
    {
        Assert.Matches("^SMX[0-9]{4}$", id);
        Assert.Equal(HelpLinks.For(id), descriptor.HelpLinkUri);
        string page = Path.Combine(TestReferences.RepositoryRoot, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"Missing docs page {page}");
        string text = File.ReadAllText(page);
        Assert.StartsWith("# " + id, text);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
    }

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void Descriptor_is_release_tracked(string id, DiagnosticDescriptor descriptor)
    {
        string unshipped = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "src", "SoftmaxGenerators", "AnalyzerReleases.Unshipped.md"));
        string shipped = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "src", "SoftmaxGenerators", "AnalyzerReleases.Shipped.md"));
        Assert.True(unshipped.Contains(id + " ") || shipped.Contains(id + " "), $"{id} is not in the release tracking files");
        Assert.Contains(descriptor.Category, unshipped + shipped);
    }

    [Fact]
    public void Every_MSBuild_error_of_the_package_has_a_docs_page_and_links_to_it()
    {
        string targets = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "src", "SoftmaxGenerators.Package", "buildTransitive", "SoftmaxGenerators.targets"));
        string[] codes = System.Text.RegularExpressions.Regex.Matches(targets, "Code=\"(SMX[0-9]{4})\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[] { "SMX9001", "SMX9002" }, codes.OrderBy(c => c, StringComparer.Ordinal));
        foreach (string code in codes)
        {
            string page = Path.Combine(TestReferences.RepositoryRoot, "docs", "rules", code + ".md");
            Assert.True(File.Exists(page), $"Missing docs page {page}");
            Assert.StartsWith("# " + code, File.ReadAllText(page));
            Assert.Contains(HelpLinks.For(code), targets);
        }
    }
}
