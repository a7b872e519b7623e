using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.IO;

namespace MedFM.Imaging.Nifti;

/// <summary>
/// Writes volumes as NIfTI-1 (or NIfTI-2 when a dimension exceeds 32767): .nii, .nii.gz, or a .hdr/.img pair,
/// through a temporary file and a rename. The geometry (converted to RAS) goes into both the sform (exact)
/// and the qform (its nearest rigid + qfac form, as nibabel's set_qform); a <see cref="LabelVolume"/> is written
/// as uint8/uint16 with intent NIFTI_INTENT_LABEL (1002), which the reader turns back into a LabelVolume.
/// </summary>
public static class NiftiWriter
{
    public const int IntentLabel = 1002;

    public static void Write(Volume volume, string path, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(path);
        options ??= NiftiWriteOptions.Default;
        bool pair = path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase);
        var header = BuildHeader(volume, options, pair);
        if (!pair)
        {
            bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            AtomicFile.Write(path, fs => WriteTo(fs, gz, options, s => { s.Write(header.ToBytes()); WriteData(s, volume, options.BigEndian); }));
            return;
        }
        var imagePath = path[..^4] + ".img";
        AtomicFile.Write(imagePath, fs => WriteData(fs, volume, options.BigEndian));
        AtomicFile.Write(path, fs => fs.Write(header.ToBytes()));
    }

    /// <summary>The bytes of a single-file NIfTI (optionally gzipped), e.g. for HTTP responses.</summary>
    public static byte[] ToBytes(Volume volume, bool gzip, NiftiWriteOptions? options = null)
    {
        options ??= NiftiWriteOptions.Default;
        var header = BuildHeader(volume, options, pair: false);
        using var ms = new MemoryStream();
        WriteTo(ms, gzip, options, s => { s.Write(header.ToBytes()); WriteData(s, volume, options.BigEndian); });
        return ms.ToArray();
    }

    private static void WriteTo(Stream fs, bool gz, NiftiWriteOptions options, Action<Stream> body)
    {
        if (!gz) { body(fs); return; }
        using var z = new GZipStream(fs, options.CompressionLevel, leaveOpen: true);
        body(z);
    }

    /// <summary>The header describing <paramref name="volume"/> as it will be written.</summary>
    public static NiftiHeader BuildHeader(Volume volume, NiftiWriteOptions options, bool pair = false)
    {
        var type = NiftiDataTypes.ForVolume(volume);
        int version = options.Version ?? (Math.Max(Math.Max(volume.Width, volume.Height), Math.Max(volume.Depth, volume.Frames)) > short.MaxValue ? 2 : 1);
        if (version is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(options), version, "NIfTI version must be 1 or 2");
        if (version == 1 && Math.Max(Math.Max(volume.Width, volume.Height), Math.Max(volume.Depth, volume.Frames)) > short.MaxValue)
            throw new VolumeShapeException($"NIfTI-1 dimensions are at most 32767; {volume.Shape} needs NIfTI-2");
        var g = volume.Geometry.InFrame(AnatomicalFrame.Ras);
        var affine = g.Affine;
        var (b, c, d, qfac, zooms) = NiftiTransforms.QformParameters(affine);
        int ndim = volume.Frames > 1 ? 4 : 3;
        bool known = g.IsKnown;
        return new NiftiHeader
        {
            Version = version, BigEndian = options.BigEndian, IsPair = pair,
            Dim = [ndim, volume.Width, volume.Height, volume.Depth, volume.Frames, 1, 1, 1],
            DataType = type, BitPix = NiftiDataTypes.BitsPerVoxel(type),
            PixDim = [qfac, zooms.X, zooms.Y, zooms.Z, options.TimeStep, 1, 1, 1],
            VoxOffset = pair ? 0 : (version == 1 ? NiftiHeader.Nifti1Size : NiftiHeader.Nifti2Size) + 4,
            SclSlope = 1, SclInter = 0, XyztUnits = options.XyztUnits,
            IntentCode = volume is LabelVolume ? IntentLabel : 0,
            Description = options.Description,
            QformCode = known ? options.QformCode : 0, SformCode = known ? options.SformCode : 0,
            QuaternB = b, QuaternC = c, QuaternD = d,
            QOffsetX = affine.Translation.X, QOffsetY = affine.Translation.Y, QOffsetZ = affine.Translation.Z,
            SrowX = [affine[0, 0], affine[0, 1], affine[0, 2], affine[0, 3]],
            SrowY = [affine[1, 0], affine[1, 1], affine[1, 2], affine[1, 3]],
            SrowZ = [affine[2, 0], affine[2, 1], affine[2, 2], affine[2, 3]],
        };
    }

    private static void WriteData(Stream s, Volume v, bool bigEndian)
    {
        var bytes = v.GetBytes();
        int size = VoxelTypes.SizeOf(v.VoxelType);
        if (bigEndian == !BitConverter.IsLittleEndian || size == 1) { s.Write(bytes); return; }
        var chunk = new byte[1 << 16];
        for (int o = 0; o < bytes.Length; o += chunk.Length)
        {
            int n = Math.Min(chunk.Length, bytes.Length - o);
            var part = chunk.AsSpan(0, n);
            bytes.Slice(o, n).CopyTo(part);
            switch (size)
            {
                case 2: { var x = MemoryMarshal.Cast<byte, short>(part); BinaryPrimitives.ReverseEndianness(x, x); break; }
                case 4: { var x = MemoryMarshal.Cast<byte, int>(part); BinaryPrimitives.ReverseEndianness(x, x); break; }
                default: { var x = MemoryMarshal.Cast<byte, long>(part); BinaryPrimitives.ReverseEndianness(x, x); break; }
            }
            s.Write(part);
        }
    }
}
