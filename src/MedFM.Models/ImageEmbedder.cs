using MedFM.Imaging;
using MedFM.Imaging.Transforms;
using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Models;

/// <summary>
/// Embeds image files with an <see cref="IImageEncoder"/>: each file is read (PNG, JPEG, ...), put through the
/// encoder's reference preprocessing, and consecutive images of equal preprocessed size are run as one batch.
/// Returns the embeddings row by row in file order.
/// </summary>
public static class ImageEmbedder
{
    /// <summary>Embeds <paramref name="files"/>; <paramref name="progress"/> is told (done, total) after each batch.</summary>
    /// <returns>Row-major float32 embeddings [files.Count, encoder.EmbedDim].</returns>
    public static float[] Embed(IImageEncoder encoder, IReadOnlyList<string> files, int batchSize = 8, Action<int, int>? progress = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        var pipeline = encoder.Preprocessing.ToPipeline();
        int d = encoder.EmbedDim;
        var result = new float[(long)files.Count * d];
        var batch = new List<ImageTensor>();
        int start = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var image = Prepare(pipeline, files[i]);
            if (batch.Count > 0 && (batch.Count == batchSize || !SameShape(batch[0], image)))
            {
                Run(encoder, batch, result.AsSpan(start * d, batch.Count * d));
                start += batch.Count;
                batch.Clear();
                progress?.Invoke(start, files.Count);
            }
            batch.Add(image);
        }
        if (batch.Count > 0)
        {
            Run(encoder, batch, result.AsSpan(start * d, batch.Count * d));
            progress?.Invoke(files.Count, files.Count);
        }
        return result;
    }

    /// <summary>The preprocessed image of one file ([3, H, W]); a file that is not an 8-bit grey or RGB 2-D image is refused with its name.</summary>
    public static ImageTensor Prepare(ImagePipeline pipeline, string file)
    {
        var volume = ImageFile.Read(file);
        if (volume.Depth != 1 || volume.VoxelType != VoxelType.UInt8 || volume.Components is not (1 or 3))
            throw new ImagingException($"{file}: expected an 8-bit grey or RGB 2-D image, found {volume.Width}×{volume.Height}×{volume.Depth} {volume.VoxelType} with {volume.Components} channel(s)");
        return pipeline.Run(volume);
    }

    private static bool SameShape(ImageTensor a, ImageTensor b) => a.Channels == b.Channels && a.Height == b.Height && a.Width == b.Width;

    private static void Run(IImageEncoder encoder, List<ImageTensor> batch, Span<float> destination)
    {
        var first = batch[0];
        int plane = first.Channels * first.Height * first.Width;
        var data = new float[(long)batch.Count * plane];
        for (int b = 0; b < batch.Count; b++) batch[b].Data.CopyTo(data, (long)b * plane);
        using var scope = TensorScope.Begin();
        var embedding = encoder.Embed(Tensor.Wrap(data, batch.Count, first.Channels, first.Height, first.Width));   // [B, D]
        embedding.Contiguous().ToArray().AsSpan().CopyTo(destination);
    }
}
