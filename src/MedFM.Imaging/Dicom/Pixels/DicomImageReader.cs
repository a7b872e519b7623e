using MedFM.Imaging.Geometry;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Decodes the pixel data of one file into a <see cref="DicomImage"/>: native (1/8/16/32 bits, masking, signedness,
/// planar configuration), RLE (managed) or the JPEG family, JPEG-LS and JPEG 2000 (through <see cref="GdcmCodec"/>);
/// then photometric handling (MONOCHROME1 inversion, YBR → RGB, PALETTE COLOR → RGB) and the modality LUT.
/// </summary>
public static class DicomImageReader
{
    public static DicomImage Read(string path, DicomReadOptions? options = null) => Read(DicomFileReader.Read(path), options);

    public static DicomImage Read(DicomFile file, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var o = options ?? DicomReadOptions.Default;
        var info = DicomPixelInfo.From(file.Dataset, file.FilePath);
        var planes = DicomFramePlane.Of(file.Dataset, info.NumberOfFrames, file.FilePath);
        var source = new DicomPixelSource(file, info);
        var (stored, type, components, photometric) = DecodeStored(source, o);
        Array data = stored;
        bool rescaled = false;
        if (components == 1 && (o.ApplyModalityLut || o.ForceFloat32))
        {
            bool identity = planes.All(p => p.Slope == 1 && p.Intercept == 0);
            if (o.ForceFloat32 || (o.ApplyModalityLut && !identity))
            {
                data = Rescale(stored, type, info, planes, o.ApplyModalityLut);
                rescaled = o.ApplyModalityLut && !identity;
            }
        }
        double sliceSpacing = planes.Length > 1 && planes[0].Position is { } a && planes[1].Position is { } b ? (b - a).Norm : planes[0].SliceThickness ?? 1;
        Vector3d? k = planes.Length > 1 && planes[0].Position is { } a2 && planes[1].Position is { } b2 && (b2 - a2).Norm > 1e-6 ? (b2 - a2).Normalized() : null;
        var geometry = DicomImage.GeometryOf(planes[0], sliceSpacing, k);
        var shape = new VolumeShape(info.Columns, info.Rows, info.NumberOfFrames, components);
        var volume = new Volume(shape, data, geometry);
        return new DicomImage(file, info, volume, planes, rescaled, photometric, DicomImage.WindowsOf(file.Dataset));
    }

    /// <summary>
    /// The encoded bytes of each frame of an encapsulated file (by extended or basic offset table, one fragment per
    /// frame, or all fragments for a single frame), without decoding them: for handing frames to another codec.
    /// </summary>
    public static IReadOnlyList<byte[]> EncodedFrames(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.TransferSyntax.IsEncapsulated)
            throw new DicomFormatException(file.FilePath, null, DicomTags.PixelData, $"{file.TransferSyntax.Name} is not an encapsulated transfer syntax");
        var info = DicomPixelInfo.From(file.Dataset, file.FilePath);
        var source = new DicomPixelSource(file, info, decodeExternal: false);
        var frames = new byte[info.NumberOfFrames][];
        for (int f = 0; f < frames.Length; f++) frames[f] = source.EncapsulatedFrame(f).ToArray();
        return frames;
    }

    /// <summary>Reads a file's pixels as a volume (the hook <see cref="ImageFile.Read(string)"/> uses).</summary>
    public static Volume ReadVolume(string path, DicomReadOptions? options = null) => Read(path, options).Volume;

    /// <summary>Stored values of every frame (interleaved colour), after photometric conversion; returns the array and its layout.</summary>
    internal static (Array Data, VoxelType Type, int Components, string Photometric) DecodeStored(DicomPixelSource source, DicomReadOptions o)
    {
        var info = source.Info;
        var type = NativeUnpack.StoredType(info);
        int size = VoxelTypes.SizeOf(type);
        long perFrame = info.PixelsPerFrame * info.SamplesPerPixel;
        var stored = VoxelTypes.AllocateUninitialized(type, perFrame * info.NumberOfFrames);
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(stored), checked((int)(perFrame * info.NumberOfFrames * size)));
        byte[]? scratch = null;
        for (int f = 0; f < info.NumberOfFrames; f++)
        {
            var frame = source.Frame(f, ref scratch, out long bitOffset);
            var dst = bytes.Slice(checked((int)(f * perFrame * size)), (int)(perFrame * size));
            DecodeFrame(source, frame, bitOffset, dst);
        }
        string photometric = source.Photometric;
        switch (photometric)
        {
            case "MONOCHROME1" when o.InvertMonochrome1:
                InvertStored(bytes, type, info);
                return (stored, type, 1, "MONOCHROME2");
            case "MONOCHROME1" or "MONOCHROME2":
                return (stored, type, 1, photometric);
            case "RGB":
                return (stored, type, 3, "RGB");
            case "YBR_FULL" or "YBR_FULL_422" or "YBR_ICT":
                if (type == VoxelType.UInt8) ColorConvert.YbrFullToRgb(bytes);
                else if (type == VoxelType.UInt16) ColorConvert.YbrFullToRgb(MemoryMarshal.Cast<byte, ushort>(bytes), info.BitsStored);
                else throw new DicomUnsupportedException(source.Path, null, DicomTags.PhotometricInterpretation, $"{photometric} with {type} samples");
                return (stored, type, 3, "RGB");
            case "PALETTE COLOR":
                return Palette(source, stored, type);
            default:
                throw new DicomUnsupportedException(source.Path, null, DicomTags.PhotometricInterpretation, $"photometric interpretation {photometric}");
        }
    }

    /// <summary>Decodes one frame's native bytes into stored values (interleaved samples) in <paramref name="dst"/>.</summary>
    internal static void DecodeFrame(DicomPixelSource source, ReadOnlySpan<byte> frame, long bitOffset, Span<byte> dst)
    {
        var info = source.Info;
        if (source.Photometric == "YBR_FULL_422" && !source.IsDecodedExternally && info.BitsAllocated == 8 && info.SamplesPerPixel == 3)
        {
            ColorConvert.Expand422(frame, info.Rows, info.Columns, dst);
            return;
        }
        NativeUnpack.Frame(frame, bitOffset, info, source.Planar, dst);
    }

    private static void InvertStored(Span<byte> bytes, VoxelType type, DicomPixelInfo info)
    {
        long max = (1L << info.BitsStored) - 1;
        switch (type)
        {
            case VoxelType.UInt8: foreach (ref var v in bytes) v = (byte)(max - v); break;
            case VoxelType.Int8: foreach (ref var v in MemoryMarshal.Cast<byte, sbyte>(bytes)) v = (sbyte)(-1 - v); break;
            case VoxelType.UInt16: foreach (ref var v in MemoryMarshal.Cast<byte, ushort>(bytes)) v = (ushort)(max - v); break;
            case VoxelType.Int16: foreach (ref var v in MemoryMarshal.Cast<byte, short>(bytes)) v = (short)(-1 - v); break;
            case VoxelType.UInt32: foreach (ref var v in MemoryMarshal.Cast<byte, uint>(bytes)) v = (uint)(max - v); break;
            default: foreach (ref var v in MemoryMarshal.Cast<byte, int>(bytes)) v = -1 - v; break;
        }
    }

    private static (Array, VoxelType, int, string) Palette(DicomPixelSource source, Array stored, VoxelType type)
    {
        var lut = PaletteLut.From(source.File.Dataset, source.Path);
        long n = stored.LongLength;
        Array rgb = lut.Bits == 8 ? new byte[n * 3] : new ushort[n * 3];
        for (long i = 0; i < n; i++)
        {
            int v = type switch
            {
                VoxelType.UInt8 => ((byte[])stored)[i],
                VoxelType.Int8 => ((sbyte[])stored)[i],
                VoxelType.UInt16 => ((ushort[])stored)[i],
                VoxelType.Int16 => ((short[])stored)[i],
                _ => throw new DicomUnsupportedException(source.Path, null, DicomTags.PhotometricInterpretation, $"PALETTE COLOR with {type} indices"),
            };
            int k = lut.IndexOf(v);
            if (rgb is byte[] b) { b[i * 3] = (byte)lut.Red[k]; b[i * 3 + 1] = (byte)lut.Green[k]; b[i * 3 + 2] = (byte)lut.Blue[k]; }
            else { var u = (ushort[])rgb; u[i * 3] = lut.Red[k]; u[i * 3 + 1] = lut.Green[k]; u[i * 3 + 2] = lut.Blue[k]; }
        }
        return (rgb, lut.Bits == 8 ? VoxelType.UInt8 : VoxelType.UInt16, 3, "RGB");
    }

    private static float[] Rescale(Array stored, VoxelType type, DicomPixelInfo info, DicomFramePlane[] planes, bool apply)
    {
        long perFrame = info.PixelsPerFrame;
        var result = GC.AllocateUninitializedArray<float>((int)(perFrame * info.NumberOfFrames));
        int size = VoxelTypes.SizeOf(type);
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(stored), result.Length * size);
        for (int f = 0; f < info.NumberOfFrames; f++)
        {
            var p = planes[f];
            ModalityLut.Apply(bytes.Slice((int)(f * perFrame * size), (int)(perFrame * size)), type,
                apply ? p.Slope : 1, apply ? p.Intercept : 0, result.AsSpan((int)(f * perFrame), (int)perFrame));
        }
        return result;
    }
}
