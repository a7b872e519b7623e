using MedFM.Tensors;
using MedFM.Tensors.Memory;
using Xunit;

namespace MedFM.Tensors.Tests.Memory;

public class TensorScopeTests
{
    private static Tensor Forward(Tensor x, Tensor w)
    {
        for (int i = 0; i < 4; i++)
        {
            var xi = x;
            x = TensorScope.Run(() => (xi.Matmul(w).Gelu() + xi).Mul(0.5f));
        }
        return x;
    }

    [Fact]
    public void RepeatedInferenceReachesASteadyStateWithoutLargeAllocations()
    {
        var w = Tensor.Randn(new MedFM.Tensors.Random.Generator(1), new[] { 256, 256 }).Mul(0.05f);
        var x = Tensor.Randn(new MedFM.Tensors.Random.Generator(2), new[] { 128, 256 });
        var pool = new BufferPool();
        var (first, firstBytes) = MeasuredForward(x, w, pool);
        long missesAfterFirst = pool.Misses;
        var (second, secondBytes) = MeasuredForward(x, w, pool);
        Assert.Equal(first, second);
        Assert.Equal(missesAfterFirst, pool.Misses);
        // The first pass creates the pooled 128 KB activations (reused block after block); the second only small bookkeeping.
        Assert.True(firstBytes > 500_000, $"first forward allocated only {firstBytes} bytes");
        Assert.True(secondBytes < 64_000, $"second forward allocated {secondBytes} bytes");
    }

    private static (float[] Values, long Bytes) MeasuredForward(Tensor x, Tensor w, BufferPool pool)
    {
        using var scope = TensorScope.Begin(pool);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var y = Forward(x, w);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return (y.ToArray(), bytes);
    }

    [Fact]
    public void UsingATensorAfterItsScopeThrows()
    {
        Tensor leaked;
        using (TensorScope.Begin()) leaked = Tensor.Ones(64, 64) * 2f;
        Assert.Throws<TensorReleasedException>(() => leaked.ToArray());
    }

    [Fact]
    public void KeptTensorsSurviveTheirScope()
    {
        Tensor kept;
        using (var s = TensorScope.Begin()) kept = s.Keep(Tensor.Ones(64, 64) * 2f);
        Assert.Equal(2f * 64 * 64, kept.Sum().Item());
    }

    [Fact]
    public void ScopesRecordNoTape()
    {
        var p = Tensor.Ones(4).RequireGrad();
        using var s = TensorScope.Begin();
        Assert.Null((p * 2f).GradFn);
    }
}
