using MedFM.Tensors;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Tensors.Tests.Memory;

public class SkipInitScopeTests
{
    [Fact]
    public void InitialisersGiveZerosAndTheGeneratorAdvancesAsIfTheyHadDrawn()
    {
        var skipped = new Generator(7);
        var drawn = new Generator(7);
        Tensor u, n, t;
        using (Tensor.SkipInitScope())
        {
            u = Tensor.Rand(skipped, new[] { 300, 70 }, -1f, 1f);
            n = Tensor.Randn(skipped, new[] { 5, 3000 });
            t = Tensor.TruncNormal(skipped, new[] { 64 }, 0f, 0.02f);
        }
        Assert.All(u.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(n.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(t.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(new[] { 300, 70 }, u.ShapeArray());

        Tensor.Rand(drawn, new[] { 300, 70 }, -1f, 1f);
        Tensor.Randn(drawn, new[] { 5, 3000 });
        Tensor.TruncNormal(drawn, new[] { 64 }, 0f, 0.02f);   // no value of N(0, 0.02) lies outside ±2: no redraws
        Assert.Equal(Tensor.Randn(drawn, new[] { 1000 }).ToArray(), Tensor.Randn(skipped, new[] { 1000 }).ToArray());
    }

    [Fact]
    public void TheScopeEndsOnDisposeAndNests()
    {
        var outer = Tensor.SkipInitScope();
        var inner = Tensor.SkipInitScope();
        inner.Dispose();
        inner.Dispose();                                        // a second dispose changes nothing
        Assert.All(Tensor.Rand(new Generator(1), new[] { 100 }).ToArray(), v => Assert.Equal(0f, v));
        outer.Dispose();
        var drawn = Tensor.Rand(new Generator(1), new[] { 100 }).ToArray();
        Assert.Contains(drawn, v => v != 0f);
        Assert.All(drawn, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void OtherThreadsStillDraw()
    {
        using (Tensor.SkipInitScope())
        {
            float[]? other = null;
            var thread = new Thread(() => other = Tensor.Rand(new Generator(3), new[] { 100 }).ToArray());
            thread.Start();
            thread.Join();
            Assert.Contains(other!, v => v != 0f);
        }
    }
}
