using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.IO;

namespace MedFM.Imaging.Nifti;

/// <summary>
/// Reads NIfTI-1 and NIfTI-2 images: .nii, .nii.gz (gzip detected by its magic, not the name) and .hdr/.img pairs,
/// either byte order (reference: NIfTI-1/-2 standards; nibabel/nifti1.py, nibabel/nifti2.py, nibabel/analyze.py).
/// The geometry is the header's best affine in RAS (see <see cref="NiftiTransforms"/>). Before allocating, the
/// claimed data size is checked against the file (or, for gzip, against the most deflate could expand it to).
/// </summary>
public static class NiftiReader
{
    /// <summary>Reads only the header (decompressing just its bytes for .nii.gz).</summary>
    public static NiftiHeader Identify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var s = ByteSource.OpenMaybeGzip(path, out _, out _);
        return ReadHeader(s, path);
    }

    /// <summary>Reads header and voxels of a file (a .hdr or .img of a pair reads both files).</summary>
    public static NiftiImage Read(string path, NiftiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= NiftiReadOptions.Default;
        string headerPath = PairHeaderPath(path) ?? path;
        using var s = Open(headerPath, options);
        var h = ReadHeader(s.Stream, headerPath);
        if (!h.IsPair) return ReadBody(s.Stream, s.Compressed, h, headerPath, Bound(s.Gzipped, s.Length), h.HeaderSize, options);
        string imagePath = PairImagePath(headerPath)
            ?? throw new NiftiFormatException(headerPath, null, "the header is of a .hdr/.img pair but no .img file was found next to it");
        using var d = Open(imagePath, options);
        return ReadBody(d.Stream, d.Compressed, h, imagePath, Bound(d.Gzipped, d.Length), 0, options);
    }

    /// <summary>Reads a single-file NIfTI (.nii or gzipped .nii) held in memory.</summary>
    public static NiftiImage Read(byte[] bytes, string? name = null, NiftiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= NiftiReadOptions.Default;
        bool gz = ByteSource.IsGzip(bytes);
        using Stream s = gz
            ? new System.IO.Compression.GZipStream(new MemoryStream(bytes, writable: false), System.IO.Compression.CompressionMode.Decompress)
            : new MemoryStream(bytes, writable: false);
        var h = ReadHeader(s, name);
        if (h.IsPair) throw new NiftiFormatException(name, h.Version == 1 ? 344 : 4, "a pair header (ni1/ni2) needs its .img file: read it by path");
        return ReadBody(s, gz && UseNative(options) ? new ArraySegment<byte>(bytes) : default, h, name, Bound(gz, bytes.Length), h.HeaderSize, options);
    }

    /// <summary>Reads the volume of a file (header kept aside).</summary>
    public static Volume ReadVolume(string path, NiftiReadOptions? options = null) => Read(path, options).Volume;

    /// <summary>Largest buffer the libdeflate path inflates into (and largest compressed file it reads whole).</summary>
    private const int MaxNativeBuffer = 1 << 30;

    private static bool UseNative(NiftiReadOptions options) => options.NativeInflate && NativeGzip.IsAvailable;

    /// <summary>Opens a file; a gzip file is read whole first when libdeflate will inflate it (see <see cref="ReadNative"/>).</summary>
    private static GzipSource Open(string path, NiftiReadOptions options) => GzipSource.Open(path, UseNative(options) ? MaxNativeBuffer : -1);

    private static long Bound(bool gz, long length) => gz ? length * ByteSource.MaxDeflateRatio + 65536 : length;

    private static NiftiHeader ReadHeader(Stream s, string? path)
    {
        var buf = new byte[NiftiHeader.Nifti2Size];
        int n = ReadSafely(s, buf.AsSpan(0, 4), path, 0);
        if (!NiftiHeader.TryDetect(buf.AsSpan(0, n), out int version, out _))
            return NiftiHeader.Parse(buf.AsSpan(0, n), path); // throws with the found sizeof_hdr
        int size = version == 1 ? NiftiHeader.Nifti1Size : NiftiHeader.Nifti2Size;
        n += ReadSafely(s, buf.AsSpan(4, size - 4), path, 4);
        return NiftiHeader.Parse(buf.AsSpan(0, n), path);
    }

    /// <summary>Reads from a (possibly gzip) stream, turning corrupt-compression errors into format errors.</summary>
    private static int ReadSafely(Stream s, Span<byte> buffer, string? path, long offset)
    {
        try { return ByteSource.ReadFully(s, buffer); }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && s is System.IO.Compression.GZipStream))
        {
            throw new NiftiFormatException(path, offset, "the gzip stream is corrupt: " + e.Message, e);
        }
    }

    /// <summary>
    /// Reads the voxels after the header. <paramref name="compressed"/>, when given, is the whole gzip file that
    /// <paramref name="s"/> inflates: libdeflate inflates it in one call first, and only when that path declines does
    /// the stream (still just after the header) deliver the voxels.
    /// </summary>
    private static NiftiImage ReadBody(Stream s, ArraySegment<byte> compressed, NiftiHeader h, string? path, long bound, long position, NiftiReadOptions options)
    {
        var shape = h.Shape;
        long elements = shape.ElementCount;
        var stored = NiftiDataTypes.StoredVoxelType(h.DataType);
        int elementBytes = h.DataType is NiftiDataType.Int64 or NiftiDataType.UInt64 ? 8 : VoxelTypes.SizeOf(stored);
        long dataBytes = elements * elementBytes;
        long offset = h.VoxOffset;
        if (!h.IsPair && offset < h.HeaderSize + 4) offset = h.HeaderSize + 4; // nibabel and niftilib: at least 352 / 544
        if (elements > options.MaxElements || dataBytes > (long)Array.MaxLength * elementBytes)
            throw new NiftiFormatException(path, h.Version == 1 ? 40 : 16, $"the image claims {elements} elements ({shape}), above the limit of {options.MaxElements}");
        if (offset + dataBytes > bound)
            throw new NiftiFormatException(path, offset,
                $"the header claims {dataBytes} data bytes at offset {offset} ({shape} × {elementBytes} B) but the file can hold at most {Math.Max(0, bound - offset)}");
        var layout = new Layout(h, path, offset, elements, elementBytes, dataBytes);
        Array? data = compressed.Count == 0 ? null : ReadNative(compressed, layout, options);
        if (data is null)
        {
            long skipped = SkipSafely(s, offset - position, path, position);
            if (skipped != offset - position)
                throw new NiftiFormatException(path, position + skipped, $"file ends before vox_offset {offset}");
            data = options.AsFloat32 ? ReadAsFloat32(s, layout, options.ApplyScaling) : ReadStored(s, layout, options);
        }
        var geometry = GeometryOf(h);
        var volume = h.IntentCode == NiftiWriter.IntentLabel && !options.AsFloat32 && shape.Components == 1 && VoxelTypes.OfArray(data) is VoxelType.UInt8 or VoxelType.UInt16
            ? new LabelVolume(shape, data, geometry)
            : new Volume(shape, data, geometry);
        return new NiftiImage(h, volume);
    }

    /// <summary>Where the voxels are and what they are: the header's claims, already checked against the file size.</summary>
    private readonly record struct Layout(NiftiHeader H, string? Path, long Offset, long Elements, int ElementBytes, long DataBytes)
    {
        public VoxelType Stored => NiftiDataTypes.StoredVoxelType(H.DataType);
        public bool Swap => H.BigEndian != !BitConverter.IsLittleEndian;
    }

    /// <summary>
    /// The libdeflate path: inflates the whole gzip file into one buffer sized from the header (grown to the gzip size
    /// field when that announces a little more) and takes the voxels from it; a .img.gz that holds exactly the voxels is
    /// inflated straight into the voxel array. Returns null, after noting why, when the input is unusual: the managed
    /// stream then reads it and reports any error exactly as without libdeflate.
    /// </summary>
    private static Array? ReadNative(ReadOnlySpan<byte> compressed, Layout l, NiftiReadOptions options)
    {
        long expected = l.Offset + l.DataBytes;
        long margin = Math.Max(1 << 16, expected / 16);
        if (expected + margin > MaxNativeBuffer)
        {
            NativeGzip.NoteFallback(l.Path, $"{expected} bytes inflated would exceed the {MaxNativeBuffer}-byte buffer limit");
            return null;
        }
        // ISIZE, the last member's size mod 2^32, usually equals the header's expectation; trailing data after the
        // voxels is rare. A hostile ISIZE can only choose between these two capacities.
        uint isize = compressed.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]) : 0;
        // When ISIZE confirms the header (the usual single-member file), the voxel array is allocated before inflating
        // and its fresh pages are faulted in on another core meanwhile. libdeflate checks ISIZE against what it
        // inflates, so a wrong one costs at most this early allocation: of the size the header claims (checked against
        // the file's length before) and at most MaxEarlyRatio times the compressed size. Every other case allocates
        // after inflating, as before.
        bool confirmed = isize >= expected && isize <= expected + margin;
        Array? target = confirmed && TargetBytes(l, options) <= MaxEarlyRatio * compressed.Length ? AllocateTarget(l, options) : null;
        using var warmer = target is null ? null : PageWarmer.Start(target, TargetBytes(l, options));
        if (target is not null && l.Offset == 0 && isize == l.DataBytes && !options.AsFloat32
            && InflateInto(compressed, RawBytes(target, l)))
        {
            InPlaceInflationsOnThisThread++;
            return FinishStored(target, l, options); // a .img.gz of exactly the voxels: inflated in place, no copy
        }
        long capacity = isize > expected && isize <= expected + margin ? isize : expected;
        while (true)
        {
            var buffer = PooledBuffers.Rent((int)capacity);
            NativeInflateResult result;
            try
            {
                result = NativeGzip.Inflate(compressed, buffer.AsSpan(0, (int)capacity), out int written);
                if (result == NativeInflateResult.Ok) return FromInflated(buffer.AsSpan(0, written), l, options, target);
            }
            finally { PooledBuffers.Return(buffer); }
            if (result == NativeInflateResult.NoSpace && capacity < expected + margin) { capacity = expected + margin; continue; }
            NativeGzip.NoteFallback(l.Path, result == NativeInflateResult.NoSpace
                ? $"more than {margin} bytes follow the voxel data" : result.ToString());
            return null;
        }
    }

    /// <summary>Largest ratio of voxel array to compressed file for which the array is allocated before inflating.</summary>
    private const long MaxEarlyRatio = 256;

    /// <summary>How many reads on this thread inflated straight into the voxel array (for tests).</summary>
    [ThreadStatic] internal static long InPlaceInflationsOnThisThread;

    /// <summary>
    /// Inflates straight into the voxel array; true when the gzip data fills it exactly. Anything else (data after the
    /// voxels, too little of it, corrupt input) returns false and the buffered path decides, as it would have anyway.
    /// </summary>
    private static bool InflateInto(ReadOnlySpan<byte> compressed, Span<byte> voxels) =>
        NativeGzip.Inflate(compressed, voxels, out int written) == NativeInflateResult.Ok && written == voxels.Length;

    /// <summary>The array <see cref="FromInflated"/> fills: float32 or the stored type, its pages not faulted in yet.</summary>
    private static Array AllocateTarget(Layout l, NiftiReadOptions options) =>
        options.AsFloat32 ? LargeArray.UninitializedUnpopulated<float>((int)l.Elements) : AllocateStored(l, populate: false);

    private static long TargetBytes(Layout l, NiftiReadOptions options) => options.AsFloat32 ? l.Elements * sizeof(float) : l.DataBytes;

    /// <summary>
    /// The voxels from a whole inflated file (header included) into <paramref name="target"/> (allocated here when null);
    /// a short file fails as the stream reader would.
    /// </summary>
    private static Array FromInflated(Span<byte> all, Layout l, NiftiReadOptions options, Array? target)
    {
        if (all.Length < l.Offset)
            throw new NiftiFormatException(l.Path, all.Length, $"file ends before vox_offset {l.Offset}");
        long got = Math.Min(all.Length - l.Offset, l.DataBytes);
        if (got != l.DataBytes)
            throw new NiftiFormatException(l.Path, l.Offset + got, $"voxel data ends after {got} of {l.DataBytes} bytes");
        var bytes = all.Slice((int)l.Offset, (int)l.DataBytes);
        if (options.AsFloat32)
        {
            var result = (float[]?)target ?? LargeArray.Uninitialized<float>((int)l.Elements);
            ToFloat32(bytes, l, result, FloatScaling(l, options.ApplyScaling));
            return result;
        }
        var raw = target ?? AllocateStored(l);
        bytes.CopyTo(RawBytes(raw, l));
        return FinishStored(raw, l, options);
    }

    private static Array AllocateStored(Layout l, bool populate = true) => l.H.DataType is NiftiDataType.Int64 or NiftiDataType.UInt64
        ? (populate ? LargeArray.Uninitialized<long>((int)l.Elements) : LargeArray.UninitializedUnpopulated<long>((int)l.Elements))
        : VoxelTypes.AllocateUninitialized(l.Stored, l.Elements, populate); // fully overwritten by the caller, or the read fails

    private static Span<byte> RawBytes(Array raw, Layout l) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(raw), checked((int)l.DataBytes));

    private static Array FinishStored(Array raw, Layout l, NiftiReadOptions options)
    {
        if (l.Swap) SwapInPlace(RawBytes(raw, l), l.ElementBytes);
        var data = Widen64(raw, l.H.DataType);
        return options.ApplyScaling ? Scale(data, l.H) : data;
    }

    private static Array ReadStored(Stream s, Layout l, NiftiReadOptions options)
    {
        bool inflating = s is System.IO.Compression.GZipStream;
        var raw = AllocateStored(l, populate: !inflating);
        using var warmer = inflating ? PageWarmer.Start(raw, l.DataBytes) : null; // inflating leaves time to fault pages in
        int got = ReadSafely(s, RawBytes(raw, l), l.Path, l.Offset);
        if (got != l.DataBytes)
            throw new NiftiFormatException(l.Path, l.Offset + got, $"voxel data ends after {got} of {l.DataBytes} bytes");
        return FinishStored(raw, l, options);
    }

    /// <summary>Slope and intercept to apply while converting to float, or null when scaling is off or trivial.</summary>
    private static (float Slope, float Inter)? FloatScaling(Layout l, bool applyScaling)
    {
        var h = l.H;
        if (!applyScaling || h.Scaling is not { } sc || (sc.Slope == 1 && sc.Inter == 0) || NiftiDataTypes.Components(h.DataType) != 1) return null;
        if (!double.IsFinite(sc.Inter))
            throw new NiftiFormatException(l.Path, h.Version == 1 ? 116 : 184, $"scl_slope {sc.Slope} is valid but scl_inter {sc.Inter} is not finite");
        return ((float)sc.Slope, (float)sc.Inter);
    }

    /// <summary>Converts stored elements (file byte order, swapped here in place) to float, scaling when asked.</summary>
    private static void ToFloat32(Span<byte> bytes, Layout l, Span<float> dst, (float Slope, float Inter)? scaling)
    {
        if (l.Swap) SwapInPlace(bytes, l.ElementBytes);
        int n = dst.Length;
        if (l.H.DataType == NiftiDataType.Int64) { var v = MemoryMarshal.Cast<byte, long>(bytes); for (int i = 0; i < n; i++) dst[i] = v[i]; }
        else if (l.H.DataType == NiftiDataType.UInt64) { var v = MemoryMarshal.Cast<byte, ulong>(bytes); for (int i = 0; i < n; i++) dst[i] = v[i]; }
        else VoxelConvert.ToSingle(bytes, l.Stored, dst);
        if (scaling is { } sc)
            for (int i = 0; i < n; i++) dst[i] = dst[i] * sc.Slope + sc.Inter;
    }

    /// <summary>Reads the voxels chunk by chunk straight into a float array (byte swap, conversion and scaling per chunk).</summary>
    private static float[] ReadAsFloat32(Stream s, Layout l, bool applyScaling)
    {
        bool inflating = s is System.IO.Compression.GZipStream;
        var result = inflating ? LargeArray.UninitializedUnpopulated<float>((int)l.Elements) : LargeArray.Uninitialized<float>((int)l.Elements);
        using var warmer = inflating ? PageWarmer.Start(result, l.Elements * sizeof(float)) : null;
        var scaling = FloatScaling(l, applyScaling);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int perChunk = (1 << 20) / l.ElementBytes;
            for (long done = 0; done < l.Elements;)
            {
                int n = (int)Math.Min(perChunk, l.Elements - done);
                var bytes = chunk.AsSpan(0, n * l.ElementBytes);
                long at = l.Offset + done * l.ElementBytes;
                int got = ReadSafely(s, bytes, l.Path, at);
                if (got != bytes.Length)
                    throw new NiftiFormatException(l.Path, at + got, $"voxel data ends after {done * l.ElementBytes + got} of {l.DataBytes} bytes");
                ToFloat32(bytes, l, result.AsSpan((int)done, n), scaling);
                done += n;
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(chunk); }
        return result;
    }

    private static long SkipSafely(Stream s, long count, string? path, long position)
    {
        try { return ByteSource.Skip(s, count); }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && s is System.IO.Compression.GZipStream))
        {
            throw new NiftiFormatException(path, position, "the gzip stream is corrupt: " + e.Message, e);
        }
    }

    private static void SwapInPlace(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2: { var v = MemoryMarshal.Cast<byte, short>(bytes); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 4: { var v = MemoryMarshal.Cast<byte, int>(bytes); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 8: { var v = MemoryMarshal.Cast<byte, long>(bytes); BinaryPrimitives.ReverseEndianness(v, v); break; }
        }
    }

    private static Array Widen64(Array raw, NiftiDataType type)
    {
        if (raw is not long[] l) return raw;
        var d = new double[l.Length];
        if (type == NiftiDataType.UInt64) for (int i = 0; i < l.Length; i++) d[i] = (ulong)l[i];
        else for (int i = 0; i < l.Length; i++) d[i] = l[i];
        return d;
    }

    /// <summary>Applies scl_slope/scl_inter when non-trivial (never to RGB data).</summary>
    private static Array Scale(Array data, NiftiHeader h)
    {
        if (h.Scaling is not { } sc || (sc.Slope == 1 && sc.Inter == 0) || NiftiDataTypes.Components(h.DataType) != 1) return data;
        if (!double.IsFinite(sc.Inter))
            throw new NiftiFormatException(null, h.Version == 1 ? 116 : 184, $"scl_slope {sc.Slope} is valid but scl_inter {sc.Inter} is not finite");
        var t = VoxelTypes.OfArray(data);
        bool wide = t is VoxelType.Float64 or VoxelType.Int32 or VoxelType.UInt32;
        if (wide)
        {
            var d = VoxelConvert.ToDouble(data);
            for (int i = 0; i < d.Length; i++) d[i] = d[i] * sc.Slope + sc.Inter;
            return d;
        }
        var f = new float[data.Length];
        VoxelConvert.ToSingle(data, f);
        float slope = (float)sc.Slope, inter = (float)sc.Inter;
        for (int i = 0; i < f.Length; i++) f[i] = f[i] * slope + inter;
        return f;
    }

    /// <summary>The RAS geometry of the best affine; a degenerate sform falls back to the qform, then to the base affine.</summary>
    public static ImageGeometry GeometryOf(NiftiHeader h)
    {
        var candidates = new List<Func<AffineMatrix>>();
        if (NiftiTransforms.ValidCode(h.SformCode) != 0) candidates.Add(() => NiftiTransforms.Sform(h));
        if (NiftiTransforms.ValidCode(h.QformCode) != 0) candidates.Add(() => NiftiTransforms.Qform(h));
        candidates.Add(() => NiftiTransforms.Base(h));
        foreach (var c in candidates)
        {
            try { return ImageGeometry.FromAffine(c(), AnatomicalFrame.Ras); }
            catch (GeometryException) { }
        }
        return ImageGeometry.FromAffine(NiftiTransforms.Base(h), AnatomicalFrame.Ras);
    }

    /// <summary>For x.img / x.img.gz: the x.hdr (or x.hdr.gz) beside it; null for other names.</summary>
    private static string? PairHeaderPath(string path)
    {
        foreach (var (img, hdr) in new[] { (".img", ".hdr"), (".img.gz", ".hdr.gz"), (".img.gz", ".hdr") })
            if (path.EndsWith(img, StringComparison.OrdinalIgnoreCase))
            {
                var candidate = path[..^img.Length] + hdr;
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    private static string? PairImagePath(string headerPath)
    {
        foreach (var (hdr, img) in new[] { (".hdr", ".img"), (".hdr.gz", ".img.gz"), (".hdr", ".img.gz") })
            if (headerPath.EndsWith(hdr, StringComparison.OrdinalIgnoreCase))
            {
                var candidate = headerPath[..^hdr.Length] + img;
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
