using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>Bad sizes, leading dimensions and span lengths are ArgumentExceptions that name the operand.</summary>
public class GemmArgumentTests
{
    [Fact]
    public void LeadingDimensionBelowTheWidthNamesTheOperand()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, new float[8], 3, new float[12], 3, 0f, new float[6], 3));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("leading dimension of A is 3, less than its 4 columns", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, true, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3));
        Assert.Equal("b", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 2));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void ShortSpansNameTheOperandAndTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(true, false, 2, 3, 4, 1f, new float[7], 2, new float[12], 3, 0f, new float[6], 3));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("A needs 8 elements (4x2, ld 2) but has 7", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, new float[8], 4, new float[11], 3, 0f, new float[6], 3));
        Assert.Equal("b", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[7], 5));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void NegativeSizesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, -1, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3));
        Assert.Contains("negative size", e.Message);
    }
}
