namespace SoftmaxGenerators.Diagnostics;

/// <summary>Help links: every rule has a page under docs/rules.</summary>
internal static class HelpLinks
{
    public const string RulesBaseUri = "https://github.com/softmaxgenerators/SoftmaxGenerators/blob/main/docs/rules/";

    public static string For(string id) => RulesBaseUri + id + ".md";
}
