using MedFM.Tensors;
using Xunit;

namespace MedFM.Tensors.Tests.Memory;

public class MetaScopeTests
{
    [Fact]
    public void MetaTensorsHaveShapesButNoData()
    {
        Tensor big, ones;
        using (Tensor.MetaScope())
        {
            big = Tensor.Randn(null, new[] { 40_000, 40_000 });    // 6.4 GB if it were real
            ones = Tensor.Ones(3, 4);
        }
        Assert.True(big.IsMeta);
        Assert.Equal(new[] { 40_000, 40_000 }, big.ShapeArray());
        var ex = Assert.Throws<TensorException>(() => ones.ToArray());
        Assert.Contains("meta", ex.Message);
        Assert.False(Tensor.Ones(2).IsMeta);
    }
}
