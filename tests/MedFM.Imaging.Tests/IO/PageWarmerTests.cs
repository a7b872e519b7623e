using MedFM.Imaging.IO;
using Xunit;

namespace MedFM.Imaging.Tests.IO;

public class PageWarmerTests
{
    [Fact]
    public void WarmingWhileTheArrayIsWritten_KeepsEveryWrite()
    {
        for (int round = 0; round < 4; round++)
        {
            var a = LargeArray.UninitializedUnpopulated<int>(12 << 20); // 48 MB, never touched
            using (PageWarmer.Start(a, (long)a.Length * sizeof(int)))
                for (int i = 0; i < a.Length; i++) a[i] = i * 7 + round; // races the warmer, which may still be running below
            for (int i = 0; i < a.Length; i++)
                if (a[i] != i * 7 + round) Assert.Fail($"element {i} is {a[i]}, written {i * 7 + round}");
        }
    }

    [Fact]
    public void SmallOrResidentArrays_AreLeftAlone()
    {
        Assert.Null(PageWarmer.Start(new byte[1 << 20], 1 << 20));
        var resident = new byte[8 << 20];
        resident.AsSpan().Fill(1);
        Assert.Null(PageWarmer.Start(resident, resident.Length));
    }
}
