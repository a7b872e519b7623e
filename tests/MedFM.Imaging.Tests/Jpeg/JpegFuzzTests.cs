using MedFM.Imaging.Tests.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Jpeg;

public class JpegFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedInputs_DecodeOrThrowTypedErrors_Quickly_WithBoundedAllocation() => FuzzAssert.NoFailures("jpeg", output);
}
