using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Memory;
using Xunit;

namespace MedFM.Tensors.Tests.Memory;

public class DerivedTensorCacheTests
{
    private static Tensor Transposed(Tensor x) => x.Transpose(0, 1).Contiguous();

    [Fact]
    public void ComputesOncePerUnchangedSource()
    {
        var cache = new DerivedTensorCache();
        var x = Tensor.Arange(0, 12).Reshape(3, 4);
        int calls = 0;
        Tensor F(Tensor t) { calls++; return Transposed(t); }
        var a = cache.Get(x, F);
        var b = cache.Get(x, F);
        Assert.Same(a, b);
        Assert.Equal(1, calls);
        Assert.Equal(Transposed(x).ToArray(), a.ToArray());

        x.Span[1] = 100f;                              // written through the API: computed again
        var c = cache.Get(x, F);
        Assert.Equal(2, calls);
        Assert.Equal(100f, c[1, 0]);

        cache.Get(x.Narrow(0, 0, 2), F);               // another view of the same storage
        Assert.Equal(3, calls);
        cache.Get(Tensor.Arange(0, 12).Reshape(3, 4), F); // another storage
        Assert.Equal(4, calls);
    }

    [Fact]
    public void CachedValueOutlivesTheScopeThatMadeIt()
    {
        var cache = new DerivedTensorCache();
        var pool = new BufferPool();
        var x = Tensor.Arange(0, 4096).Reshape(64, 64);
        Tensor kept;
        using (TensorScope.Begin(pool)) kept = cache.Get(x, Transposed);
        using (TensorScope.Begin(pool))
        {
            var again = cache.Get(x, Transposed);
            Assert.Same(kept, again);
            var other = Tensor.Zeros(64, 64).Add(1f);  // reuses pooled buffers; must not overwrite the cached value
            Assert.Equal(Transposed(x).ToArray(), again.ToArray());
        }
        Assert.Equal(Transposed(x).ToArray(), kept.ToArray());
    }

    [Fact]
    public void SourcesRecordingAGradientAreNotCached()
    {
        var cache = new DerivedTensorCache();
        var x = Tensor.Ones(2, 3).RequireGrad();
        var a = cache.Get(x, Transposed);
        var b = cache.Get(x, Transposed);
        Assert.NotSame(a, b);
        Assert.True(a.RequiresGrad);
        using (GradMode.Disable()) Assert.Same(cache.Get(x, Transposed), cache.Get(x, Transposed));
    }
}
