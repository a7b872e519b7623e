using System.Buffers.Binary;
using System.IO.Compression;
using MedFM.Imaging.IO;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Nifti;

/// <summary>
/// The libdeflate path of gzipped NIfTI (installed by the test command: Debian's libdeflate0) against the managed
/// streaming inflater: the same voxels from every .nii.gz the tests use, and the same typed errors for broken files.
/// </summary>
public class NiftiNativeInflateTests
{
    private static readonly NiftiReadOptions Managed = new() { NativeInflate = false };

    public static TheoryData<string> GzipFiles => new()
    {
        "mricron/ch2.nii.gz", "mricron/aal.nii.gz",
        "itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz", "itk/KmeansTest_T1RawSkullStrip.nii.gz",
        "itk/KmeansTest_T1UCharRaw.nii.gz",
        "nibabel/example4d.nii.gz", "nibabel/example_nifti2.nii.gz", "nibabel/standard.nii.gz",
    };

    [Fact]
    public void Libdeflate_IsInstalled_AndTakenForGzip()
    {
        Assert.True(NativeGzip.IsAvailable, $"libdeflate is not available: {NativeGzip.UnavailableReason}");
        long before = NativeGzip.InflationsOnThisThread, fallbacks = NativeGzip.FallbacksOnThisThread;
        NiftiReader.Read(RepoPaths.TestData("mricron/ch2.nii.gz"));
        NiftiReader.Read(RepoPaths.TestData("mricron/ch2.nii.gz"), new NiftiReadOptions { AsFloat32 = true });
        NiftiReader.Read(File.ReadAllBytes(NiftiFixtures.Path("base_affine.nii.gz")), "base_affine.nii.gz");
        Assert.Equal(before + 3, NativeGzip.InflationsOnThisThread);
        Assert.Equal(fallbacks, NativeGzip.FallbacksOnThisThread);
        // Switched off: neither libdeflate nor a fallback.
        NiftiReader.Read(RepoPaths.TestData("mricron/ch2.nii.gz"), Managed);
        Assert.Equal(before + 3, NativeGzip.InflationsOnThisThread);
        Assert.Equal(fallbacks, NativeGzip.FallbacksOnThisThread);
    }

    [Theory]
    [MemberData(nameof(GzipFiles))]
    public void RealFiles_SameVoxels_BothPaths(string rel)
    {
        var path = RepoPaths.TestData(rel);
        AssertSame(NiftiReader.Read(path, Managed), NiftiReader.Read(path));
        AssertSame(NiftiReader.Read(path, Managed with { AsFloat32 = true }), NiftiReader.Read(path, new NiftiReadOptions { AsFloat32 = true }));
        AssertSame(NiftiReader.Read(path, Managed with { ApplyScaling = false }), NiftiReader.Read(path, new NiftiReadOptions { ApplyScaling = false }));
        var bytes = File.ReadAllBytes(path);
        AssertSame(NiftiReader.Read(bytes, rel, Managed), NiftiReader.Read(bytes, rel));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generated_BothByteOrders_SameVoxels(bool bigEndian)
    {
        var rng = new Random(7);
        var data = new short[23 * 19 * 11];
        for (int i = 0; i < data.Length; i++) data[i] = (short)rng.Next(-3000, 3000);
        var v = new Volume(23, 19, 11, data);
        var gz = NiftiWriter.ToBytes(v, gzip: true, new NiftiWriteOptions { BigEndian = bigEndian, Version = bigEndian ? 2 : 1 });
        var native = NiftiReader.Read(gz, "gen.nii.gz");
        AssertSame(NiftiReader.Read(gz, "gen.nii.gz", Managed), native);
        Assert.Equal(data, native.Volume.Data);
        AssertSame(NiftiReader.Read(gz, "gen.nii.gz", Managed with { AsFloat32 = true }), NiftiReader.Read(gz, "gen.nii.gz", new NiftiReadOptions { AsFloat32 = true }));
    }

    [Fact]
    public void MultiMemberGzip_IsInflatedWhole_ByLibdeflate()
    {
        var raw = Inflate(File.ReadAllBytes(RepoPaths.TestData("nibabel/example4d.nii.gz")));
        var members = Concat(Gzip(raw[..100]), Gzip(raw[100..5000]), Gzip(raw[5000..]));
        long inflations = NativeGzip.InflationsOnThisThread, fallbacks = NativeGzip.FallbacksOnThisThread;
        var native = NiftiReader.Read(members, "multi.nii.gz");
        Assert.Equal((inflations + 1, fallbacks), (NativeGzip.InflationsOnThisThread, NativeGzip.FallbacksOnThisThread));
        AssertSame(NiftiReader.Read(Gzip(raw), "single.nii.gz", Managed), native);
        AssertSame(NiftiReader.Read(members, "multi.nii.gz", Managed), native);
    }

    [Fact]
    public void TrailingData_AfterVoxels_OrAfterTheLastMember_ReadsAsTheManagedPath()
    {
        var raw = Inflate(File.ReadAllBytes(NiftiFixtures.Path("base_affine.nii.gz")));
        var expected = NiftiReader.Read(Gzip(raw), "t.nii.gz", Managed);
        // Within the margin the gzip size field may add (libdeflate), and far beyond it (the managed stream).
        foreach (var (extra, viaLibdeflate) in new[] { (100, true), (1 << 20, false) })
        {
            var longer = Gzip(Concat(raw, new byte[extra]));
            long inflations = NativeGzip.InflationsOnThisThread, fallbacks = NativeGzip.FallbacksOnThisThread;
            AssertSame(expected, NiftiReader.Read(longer, "longer.nii.gz"));
            Assert.Equal(viaLibdeflate, NativeGzip.InflationsOnThisThread > inflations);
            Assert.Equal(!viaLibdeflate, NativeGzip.FallbacksOnThisThread > fallbacks);
        }
        var padded = Concat(Gzip(raw), new byte[16]); // zero padding after the member, as some tape tools write
        long before = NativeGzip.FallbacksOnThisThread;
        AssertSameOutcome(() => NiftiReader.Read(padded, "padded.nii.gz", Managed), () => NiftiReader.Read(padded, "padded.nii.gz"));
        Assert.Equal(before + 1, NativeGzip.FallbacksOnThisThread);
    }

    [Fact]
    public void TruncatedAndCorruptGzip_GiveTheManagedPathsTypedErrors()
    {
        var gz = File.ReadAllBytes(RepoPaths.TestData("nibabel/example4d.nii.gz"));
        foreach (int cut in new[] { 10, 200, gz.Length / 2, gz.Length - 9, gz.Length - 4, gz.Length - 1 })
        {
            var t = gz[..cut];
            AssertSameOutcome(() => NiftiReader.Read(t, "cut.nii.gz", Managed), () => NiftiReader.Read(t, "cut.nii.gz"));
        }
        var rng = new Random(3);
        for (int k = 0; k < 40; k++)
        {
            var c = (byte[])gz.Clone();
            for (int j = 0; j < 4; j++) c[rng.Next(10, c.Length)] ^= (byte)rng.Next(1, 256);
            AssertSameOutcome(() => NiftiReader.Read(c, "bad.nii.gz", Managed), () => NiftiReader.Read(c, "bad.nii.gz"));
        }
        // A well-formed gzip of a cut file: libdeflate inflates it, and the error is the stream reader's.
        var raw = Inflate(gz);
        var shortFile = Gzip(raw[..(raw.Length - 1000)]);
        var e = AssertSameOutcome(() => NiftiReader.Read(shortFile, "short.nii.gz", Managed), () => NiftiReader.Read(shortFile, "short.nii.gz"));
        Assert.IsType<NiftiFormatException>(e);
        Assert.Contains("voxel data ends after", e!.Message);
    }

    [Fact]
    public void TruncatedFileOnDisk_NamesTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("medfm-nifti-gz-").FullName;
        try
        {
            var path = Path.Combine(dir, "cut.nii.gz");
            var gz = File.ReadAllBytes(RepoPaths.TestData("mricron/ch2.nii.gz"));
            File.WriteAllBytes(path, gz[..(gz.Length / 3)]);
            var e = Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(path));
            Assert.IsType<NiftiFormatException>(e);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(path, Managed)).Message, e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void HostileGzipSizeField_DoesNotSizeTheBuffer()
    {
        var gz = File.ReadAllBytes(NiftiFixtures.Path("base_affine.nii.gz"));
        var expected = NiftiReader.Read(gz, "ok.nii.gz", Managed);
        foreach (uint isize in new[] { 0xFFFFFFF0u, 0x7FFFFFFFu, 1u })
        {
            var h = (byte[])gz.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(h.Length - 4), isize);
            long before = GC.GetAllocatedBytesForCurrentThread();
            AssertSameOutcome(() => NiftiReader.Read(h, "isize.nii.gz", Managed), () => NiftiReader.Read(h, "isize.nii.gz"));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (32 << 20), "a hostile size field made the reader allocate");
        }
    }

    [Fact]
    public void SizeFieldConfirmingTheHeader_ButSeveralMembersOrALie_ReadsAsTheManagedPath()
    {
        var raw = Inflate(File.ReadAllBytes(RepoPaths.TestData("mricron/ch2.nii.gz"))); // 7.1 MB: the voxel array is warmed
        var expected = NiftiReader.Read(Gzip(raw), "one.nii.gz", Managed);
        // Two members, the last one as long as the header's whole file: the size field confirms the header, but the
        // file inflates to 5000 bytes more (ignored after the voxels by both paths).
        var junk = new byte[5000];
        new Random(5).NextBytes(junk);
        var members = Concat(Gzip(raw[..junk.Length]), Gzip(Concat(raw[junk.Length..], junk)));
        Assert.Equal((uint)raw.Length, BinaryPrimitives.ReadUInt32LittleEndian(members.AsSpan(members.Length - 4)));
        long inflations = NativeGzip.InflationsOnThisThread, fallbacks = NativeGzip.FallbacksOnThisThread;
        AssertSame(expected, NiftiReader.Read(members, "members.nii.gz"));
        Assert.Equal((inflations + 1, fallbacks), (NativeGzip.InflationsOnThisThread, NativeGzip.FallbacksOnThisThread));
        AssertSameOutcome(() => NiftiReader.Read(members, "members.nii.gz", Managed), () => NiftiReader.Read(members, "members.nii.gz"));
        // A file 1000 bytes short whose size field claims the full length: libdeflate refuses it (size mismatch) and the
        // managed stream reports the corrupt gzip, as for any other lying size field.
        var lying = Gzip(raw[..^1000]);
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(lying.Length - 4), (uint)raw.Length);
        fallbacks = NativeGzip.FallbacksOnThisThread;
        var e = AssertSameOutcome(() => NiftiReader.Read(lying, "lying.nii.gz", Managed), () => NiftiReader.Read(lying, "lying.nii.gz"));
        Assert.IsType<NiftiFormatException>(e);
        Assert.Equal(fallbacks + 1, NativeGzip.FallbacksOnThisThread);
    }

    [Theory]
    [InlineData("exact", true)]
    [InlineData("trailing", false)] // 3000 bytes after the voxels, announced by the size field
    [InlineData("members", false)] // two members, the last one as long as the voxels: the in-place inflate runs out of room
    public void GzippedPairImage_InflatedStraightIntoTheVoxels_OrViaTheBuffer(string layout, bool inPlace)
    {
        var dir = Directory.CreateTempSubdirectory("medfm-nifti-pair-").FullName;
        try
        {
            var v = NiftiReader.ReadVolume(RepoPaths.TestData("mricron/ch2.nii.gz"));
            var hdr = Path.Combine(dir, "ch2.hdr");
            NiftiWriter.Write(v, hdr);
            var img = Path.ChangeExtension(hdr, ".img");
            var voxels = File.ReadAllBytes(img);
            Assert.Equal(v.GetBytes().Length, voxels.Length); // vox_offset 0: the .img is the voxels alone
            var junk = new byte[3000];
            new Random(9).NextBytes(junk);
            File.WriteAllBytes(img + ".gz", layout switch
            {
                "exact" => Gzip(voxels),
                "trailing" => Gzip(Concat(voxels, junk)),
                _ => Concat(Gzip(voxels[..junk.Length]), Gzip(Concat(voxels[junk.Length..], junk))),
            });
            var expected = NiftiReader.Read(hdr); // the plain .img
            File.Delete(img);
            long inflations = NativeGzip.InflationsOnThisThread, fallbacks = NativeGzip.FallbacksOnThisThread;
            long inPlaceBefore = NiftiReader.InPlaceInflationsOnThisThread;
            var native = NiftiReader.Read(hdr);
            Assert.Equal((inflations + 1, fallbacks), (NativeGzip.InflationsOnThisThread, NativeGzip.FallbacksOnThisThread));
            Assert.Equal(inPlace ? 1 : 0, NiftiReader.InPlaceInflationsOnThisThread - inPlaceBefore);
            AssertSame(expected, native);
            AssertSame(expected, NiftiReader.Read(hdr, Managed));
            AssertSame(NiftiReader.Read(hdr, Managed with { AsFloat32 = true }), NiftiReader.Read(hdr, new NiftiReadOptions { AsFloat32 = true }));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static void AssertSame(NiftiImage expected, NiftiImage actual)
    {
        Assert.Equal(expected.Volume.Shape, actual.Volume.Shape);
        Assert.Equal(expected.Volume.VoxelType, actual.Volume.VoxelType);
        Assert.Equal(expected.Volume.GetType(), actual.Volume.GetType());
        Assert.True(expected.Volume.GetBytes().SequenceEqual(actual.Volume.GetBytes()), "voxel bytes differ");
        Assert.Equal(expected.Volume.Geometry.Affine, actual.Volume.Geometry.Affine);
    }

    /// <summary>Both reads succeed with the same voxels, or both throw the same typed error (type and message).</summary>
    private static Exception? AssertSameOutcome(Func<NiftiImage> managed, Func<NiftiImage> native)
    {
        NiftiImage? a = null, b = null;
        Exception? ea = null, eb = null;
        try { a = managed(); } catch (Exception e) { ea = e; }
        try { b = native(); } catch (Exception e) { eb = e; }
        if (ea is not null && ea is not ImageFormatException) throw ea;
        if (eb is not null && eb is not ImageFormatException) throw eb;
        Assert.Equal(ea?.GetType(), eb?.GetType());
        Assert.Equal(ea?.Message, eb?.Message);
        if (a is not null) AssertSame(a, b!);
        return eb;
    }

    private static byte[] Gzip(byte[] b)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(b);
        return ms.ToArray();
    }

    private static byte[] Inflate(byte[] gz)
    {
        using var z = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
