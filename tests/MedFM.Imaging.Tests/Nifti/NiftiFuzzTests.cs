using MedFM.Imaging.Tests.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Nifti;

public class NiftiFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedInputs_DecodeOrThrowTypedErrors_Quickly_WithBoundedAllocation() => FuzzAssert.NoFailures("nifti", output);
}
