using MedFM.Imaging.Tests.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Png;

public class PngFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedInputs_DecodeOrThrowTypedErrors_Quickly_WithBoundedAllocation() => FuzzAssert.NoFailures("png", output);
}
