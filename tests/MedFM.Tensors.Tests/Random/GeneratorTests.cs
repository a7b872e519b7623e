using MedFM.Tensors;
using MedFM.Tensors.Parallel;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Tensors.Tests.Random;

public class GeneratorTests
{
    [Fact]
    public void PhiloxMatchesThePublishedKnownAnswer()
    {
        // Random123 kat_vectors: philox4x32 10 rounds, counter = key = 0 → 6627e8d5 e169c58d bc57ac4c 9b00dbd8
        var (a, b, c, d) = Philox.Block(0, 0, 0);
        Assert.Equal(0x6627e8d5u, a);
        Assert.Equal(0xe169c58du, b);
        Assert.Equal(0xbc57ac4cu, c);
        Assert.Equal(0x9b00dbd8u, d);
    }

    [Fact]
    public void SameSeedSameValuesWhateverTheThreadCount()
    {
        var saved = ThreadTeam.Default;
        try
        {
            ThreadTeam.Default = new ThreadTeam(1);
            var one = Tensor.Randn(new Generator(42), new[] { 100_000 }).ToArray();
            ThreadTeam.Default = new ThreadTeam(2);
            var two = Tensor.Randn(new Generator(42), new[] { 100_000 }).ToArray();
            Assert.Equal(one, two);
        }
        finally
        {
            ThreadTeam.Default = saved;
        }
    }

    [Fact]
    public void MomentsAreThoseOfTheDistributions()
    {
        var n = Tensor.Randn(new Generator(7), new[] { 200_000 });
        Assert.InRange(n.Mean().Item(), -0.01f, 0.01f);
        Assert.InRange(n.Var(0).Item(), 0.98f, 1.02f);
        var u = Tensor.Rand(new Generator(8), new[] { 200_000 });
        Assert.InRange(u.Mean().Item(), 0.495f, 0.505f);
        Assert.True(u.Min().Item() >= 0f && u.Max().Item() < 1f);
        var b = Tensor.Bernoulli(new Generator(9), 0.25f, 100_000);
        Assert.InRange(b.Mean().Item(), 0.24f, 0.26f);
    }

    [Fact]
    public void ConsecutiveDrawsDiffer()
    {
        var g = new Generator(1);
        var a = Tensor.Rand(g, new[] { 8 }).ToArray();
        var b = Tensor.Rand(g, new[] { 8 }).ToArray();
        Assert.NotEqual(a, b);
        var p = g.Permutation(50);
        Assert.Equal(Enumerable.Range(0, 50), p.OrderBy(x => x));
    }
}
