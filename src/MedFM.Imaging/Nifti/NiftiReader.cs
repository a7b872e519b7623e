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
        using var s = ByteSource.OpenMaybeGzip(headerPath, out bool gz, out long length);
        var h = ReadHeader(s, headerPath);
        if (!h.IsPair) return ReadBody(s, h, headerPath, Bound(gz, length), h.HeaderSize, options);
        string imagePath = PairImagePath(headerPath)
            ?? throw new NiftiFormatException(headerPath, null, "the header is of a .hdr/.img pair but no .img file was found next to it");
        using var d = ByteSource.OpenMaybeGzip(imagePath, out bool gz2, out long length2);
        return ReadBody(d, h, imagePath, Bound(gz2, length2), 0, options);
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
        return ReadBody(s, h, name, Bound(gz, bytes.Length), h.HeaderSize, options);
    }

    /// <summary>Reads the volume of a file (header kept aside).</summary>
    public static Volume ReadVolume(string path, NiftiReadOptions? options = null) => Read(path, options).Volume;

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

    private static NiftiImage ReadBody(Stream s, NiftiHeader h, string? path, long bound, long position, NiftiReadOptions options)
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
        long skipped = SkipSafely(s, offset - position, path, position);
        if (skipped != offset - position)
            throw new NiftiFormatException(path, position + skipped, $"file ends before vox_offset {offset}");
        Array data = options.AsFloat32
            ? ReadAsFloat32(s, h, path, offset, elements, elementBytes, options.ApplyScaling)
            : ReadStored(s, h, path, offset, elements, elementBytes, dataBytes, options);
        var geometry = GeometryOf(h);
        var volume = h.IntentCode == NiftiWriter.IntentLabel && !options.AsFloat32 && shape.Components == 1 && VoxelTypes.OfArray(data) is VoxelType.UInt8 or VoxelType.UInt16
            ? new LabelVolume(shape, data, geometry)
            : new Volume(shape, data, geometry);
        return new NiftiImage(h, volume);
    }

    private static Array ReadStored(Stream s, NiftiHeader h, string? path, long offset, long elements, int elementBytes, long dataBytes, NiftiReadOptions options)
    {
        var stored = NiftiDataTypes.StoredVoxelType(h.DataType);
        Array raw = h.DataType is NiftiDataType.Int64 or NiftiDataType.UInt64
            ? LargeArray.Uninitialized<long>((int)elements)
            : VoxelTypes.AllocateUninitialized(stored, elements); // fully overwritten below, or the read fails
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(raw), checked((int)dataBytes));
        int got = ReadSafely(s, bytes, path, offset);
        if (got != dataBytes)
            throw new NiftiFormatException(path, offset + got, $"voxel data ends after {got} of {dataBytes} bytes");
        if (h.BigEndian != !BitConverter.IsLittleEndian) SwapInPlace(bytes, elementBytes);
        var data = Widen64(raw, h.DataType);
        return options.ApplyScaling ? Scale(data, h) : data;
    }

    /// <summary>Reads the voxels chunk by chunk straight into a float array (byte swap, conversion and scaling per chunk).</summary>
    private static float[] ReadAsFloat32(Stream s, NiftiHeader h, string? path, long offset, long elements, int elementBytes, bool applyScaling)
    {
        var result = LargeArray.Uninitialized<float>((int)elements);
        var stored = NiftiDataTypes.StoredVoxelType(h.DataType);
        (double Slope, double Inter)? scaling = applyScaling && h.Scaling is { } sc && (sc.Slope != 1 || sc.Inter != 0)
            && NiftiDataTypes.Components(h.DataType) == 1 ? sc : null;
        if (scaling is { } chk && !double.IsFinite(chk.Inter))
            throw new NiftiFormatException(path, h.Version == 1 ? 116 : 184, $"scl_slope {chk.Slope} is valid but scl_inter {chk.Inter} is not finite");
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int perChunk = (1 << 20) / elementBytes;
            for (long done = 0; done < elements;)
            {
                int n = (int)Math.Min(perChunk, elements - done);
                var bytes = chunk.AsSpan(0, n * elementBytes);
                int got = ReadSafely(s, bytes, path, offset + done * elementBytes);
                if (got != bytes.Length)
                    throw new NiftiFormatException(path, offset + done * elementBytes + got,
                        $"voxel data ends after {done * elementBytes + got} of {elements * elementBytes} bytes");
                if (h.BigEndian != !BitConverter.IsLittleEndian) SwapInPlace(bytes, elementBytes);
                var dst = result.AsSpan((int)done, n);
                if (h.DataType == NiftiDataType.Int64) { var l = MemoryMarshal.Cast<byte, long>(bytes); for (int i = 0; i < n; i++) dst[i] = l[i]; }
                else if (h.DataType == NiftiDataType.UInt64) { var l = MemoryMarshal.Cast<byte, ulong>(bytes); for (int i = 0; i < n; i++) dst[i] = l[i]; }
                else VoxelConvert.ToSingle(bytes, stored, dst);
                if (scaling is { } sc2)
                {
                    float slope = (float)sc2.Slope, inter = (float)sc2.Inter;
                    for (int i = 0; i < dst.Length; i++) dst[i] = dst[i] * slope + inter;
                }
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
