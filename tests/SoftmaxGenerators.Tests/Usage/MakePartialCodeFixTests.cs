using System.Threading.Tasks;
using SoftmaxGenerators.Analyzers;
using SoftmaxGenerators.CodeFixes;
using Xunit;
using Verify = SoftmaxGenerators.Tests.Infrastructure.CodeFixVerifier<SoftmaxGenerators.Analyzers.SoftmaxUsageAnalyzer, SoftmaxGenerators.CodeFixes.MakePartialCodeFixProvider>;

namespace SoftmaxGenerators.Tests.Usage;

public class MakePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_after_the_modifiers() => Verify.VerifyAsync(
        """
        using SoftmaxGenerators;

        // The digit classifier head.
        [Softmax(10)]
        public static class {|SMX1001:Digits|}
        {
        }
        """,
        """
        using SoftmaxGenerators;

        // The digit classifier head.
        [Softmax(10)]
        public static partial class Digits
        {
        }
        """);

    [Fact]
    public Task Adds_partial_without_modifiers_keeping_indentation() => Verify.VerifyAsync(
        """
        using SoftmaxGenerators;

        namespace App
        {
            [Softmax(3)]
            struct {|SMX1001:Small|}
            {
            }
        }
        """,
        """
        using SoftmaxGenerators;

        namespace App
        {
            [Softmax(3)]
            partial struct Small
            {
            }
        }
        """);

    [Fact]
    public Task Ref_struct_gets_partial_before_struct() => Verify.VerifyAsync(
        "using SoftmaxGenerators;\n[Softmax(3)]\npublic ref struct {|SMX1001:R|} { }\n",
        "using SoftmaxGenerators;\n[Softmax(3)]\npublic ref partial struct R { }\n");

    [Fact]
    public Task Fix_all_makes_the_type_and_its_containers_partial() => Verify.VerifyAsync(
        """
        using SoftmaxGenerators;

        public class {|SMX1001:Outer|}
        {
            internal sealed class {|SMX1001:Middle|}
            {
                [Softmax(10)]
                private class {|SMX1001:Inner|} { }
            }
        }

        [Softmax(4)]
        class {|SMX1001:Other|} { }
        """,
        """
        using SoftmaxGenerators;

        public partial class Outer
        {
            internal sealed partial class Middle
            {
                [Softmax(10)]
                private partial class Inner { }
            }
        }

        [Softmax(4)]
        partial class Other { }
        """);
}
