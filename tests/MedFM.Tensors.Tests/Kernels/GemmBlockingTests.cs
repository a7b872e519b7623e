using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

public class GemmBlockingTests
{
    [Theory]
    [InlineData("512", 512)]
    [InlineData(" 64 ", 64)]
    [InlineData("0", 256)]
    [InlineData("-8", 256)]
    [InlineData("deep", 256)]
    [InlineData("", 256)]
    [InlineData(null, 256)]
    public void BlockOverridesFromTheEnvironmentMustBePositive(string? text, int expected) =>
        Assert.Equal(expected, GemmBlocking.Override(text, 256));

    [Theory]
    [InlineData(768, 768, 768)]
    [InlineData(3072, 768, 768)]
    [InlineData(1100, 768, 552)]
    [InlineData(70, 256, 72)]
    [InlineData(7, 256, 8)]
    public void KcBlocksSplitKEvenlyInMultiplesOfEight(int k, int kcMax, int expected) =>
        Assert.Equal(expected, GemmBlocking.KcBlock(k, kcMax));
}
