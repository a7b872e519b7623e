using System.Runtime.InteropServices;

namespace MedFM.Imaging;

/// <summary>
/// The copy kernel behind flips, permutations, crops, pads and nearest-neighbour resampling: each output axis n
/// reads source axis <c>SourceAxis[n]</c> at index <c>Table[n][idx]</c> (−1 = outside, filled with a value).
/// Components and frames are copied whole.
/// </summary>
internal static class VoxelGather
{
    public static Array Run(Volume src, VolumeShape dstShape, int[] sourceAxis, int[][] tables, double fill)
    {
        var dst = VoxelTypes.Allocate(src.VoxelType, dstShape.ElementCount);
        switch (VoxelTypes.SizeOf(src.VoxelType))
        {
            case 1: Copy<byte>(src, dst, dstShape, sourceAxis, tables, FillBits<byte>(src.VoxelType, fill)); break;
            case 2: Copy<ushort>(src, dst, dstShape, sourceAxis, tables, FillBits<ushort>(src.VoxelType, fill)); break;
            case 4: Copy<uint>(src, dst, dstShape, sourceAxis, tables, FillBits<uint>(src.VoxelType, fill)); break;
            default: Copy<ulong>(src, dst, dstShape, sourceAxis, tables, FillBits<ulong>(src.VoxelType, fill)); break;
        }
        return dst;
    }

    /// <summary>The fill value converted to the voxel type, as raw bits of the same size.</summary>
    private static T FillBits<T>(VoxelType type, double fill) where T : unmanaged
    {
        var one = VoxelConvert.FromFloat64([fill], type);
        return MemoryMarshal.Read<T>(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(one), VoxelTypes.SizeOf(type)));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Copy<T>(Volume src, Array dstArray, VolumeShape ds, int[] sourceAxis, int[][] tables, T fill) where T : unmanaged
    {
        var s = MemoryMarshal.Cast<byte, T>(src.GetBytes());
        var d = MemoryMarshal.Cast<byte, T>(MemoryMarshal.CreateSpan(
            ref MemoryMarshal.GetArrayDataReference(dstArray), checked((int)(ds.ElementCount * VoxelTypes.SizeOf(src.VoxelType)))));
        var ss = src.Shape;
        int c = ss.Components;
        long[] srcStride = [c, (long)ss.Width * c, (long)ss.Width * ss.Height * c];
        long sI = srcStride[sourceAxis[0]], sJ = srcStride[sourceAxis[1]], sK = srcStride[sourceAxis[2]];
        int[] ti = tables[0], tj = tables[1], tk = tables[2];
        long o = 0;
        for (int t = 0; t < ds.Frames; t++)
        {
            long frameBase = t * ss.ElementsPerFrame;
            for (int k = 0; k < ds.Depth; k++)
            {
                int sk = tk[k];
                for (int j = 0; j < ds.Height; j++)
                {
                    int sj = tj[j];
                    bool rowOutside = sk < 0 || sj < 0;
                    long rowBase = frameBase + sk * sK + sj * sJ;
                    for (int i = 0; i < ds.Width; i++)
                    {
                        int si = ti[i];
                        if (rowOutside || si < 0)
                        {
                            for (int cc = 0; cc < c; cc++) d[(int)o++] = fill;
                            continue;
                        }
                        long p = rowBase + si * sI;
                        if (c == 1) d[(int)o++] = s[(int)p];
                        else for (int cc = 0; cc < c; cc++) d[(int)o++] = s[(int)(p + cc)];
                    }
                }
            }
        }
    }
}
