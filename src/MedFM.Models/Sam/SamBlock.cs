using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Encoder block (image_encoder.py, Block): norm1 → attention (windowed, see <see cref="SamAttention.ForwardWindowed"/>) → residual,
/// then norm2 → MLP → residual. Window 0 means global attention over the whole grid.
/// </summary>
public sealed class SamBlock : Module<Tensor, Tensor>
{
    public SamBlock(int dim, int numHeads, double mlpRatio, int windowSize, int gridSize)
    {
        WindowSize = windowSize;
        int attnSize = windowSize == 0 ? gridSize : windowSize;
        Norm1 = Register("norm1", new LayerNorm(dim, 1e-6));
        Attn = Register("attn", new SamAttention(dim, numHeads, attnSize));
        Norm2 = Register("norm2", new LayerNorm(dim, 1e-6));
        Mlp = Register("mlp", new MlpBlock(dim, (int)(dim * mlpRatio)));
    }

    public int WindowSize { get; }

    public LayerNorm Norm1 { get; }

    public SamAttention Attn { get; }

    public LayerNorm Norm2 { get; }

    public MlpBlock Mlp { get; }

    /// <summary>x [B, H, W, C] → [B, H, W, C].</summary>
    public override Tensor Forward(Tensor x)
    {
        var shortcut = x;
        x = Norm1.Forward(x);
        x = WindowSize > 0 ? Attn.ForwardWindowed(x, WindowSize) : Attn.Forward(x);
        x = shortcut.Add(x);
        return x.Add(Mlp.Forward(Norm2.Forward(x)));
    }
}

/// <summary>lin1 → GELU → lin2 (segment_anything/modeling/common.py, MLPBlock).</summary>
public sealed class MlpBlock : Module<Tensor, Tensor>
{
    private readonly bool relu;

    public MlpBlock(int dim, int mlpDim, bool relu = false)
    {
        this.relu = relu;
        Lin1 = Register("lin1", new Linear(dim, mlpDim));
        Lin2 = Register("lin2", new Linear(mlpDim, dim));
    }

    public Linear Lin1 { get; }

    public Linear Lin2 { get; }

    public override Tensor Forward(Tensor x)
    {
        return Lin2.Forward(relu ? Lin1.Forward(x).Relu() : Lin1.ForwardGelu(x));
    }
}

/// <summary>Non-overlapping window partition with zero padding (image_encoder.py, window_partition / window_unpartition).</summary>
public static class Windows
{
    public static Tensor Partition(Tensor x, int ws, out int hp, out int wp)
    {
        int b = x.Size(0), h = x.Size(1), w = x.Size(2), c = x.Size(3);
        int padH = (ws - h % ws) % ws, padW = (ws - w % ws) % ws;
        if (padH > 0 || padW > 0) x = x.Pad(new[] { 0, 0, 0, padW, 0, padH });
        hp = h + padH;
        wp = w + padW;
        return x.Reshape(b, hp / ws, ws, wp / ws, ws, c)             // [B, Hp/ws, ws, Wp/ws, ws, C]
            .Permute(0, 1, 3, 2, 4, 5)                                // [B, Hp/ws, Wp/ws, ws, ws, C]
            .Reshape(-1, ws, ws, c);                                  // [B·nW, ws, ws, C]
    }

    public static Tensor Unpartition(Tensor windows, int ws, int hp, int wp, int h, int w)
    {
        int c = windows.Size(3);
        int b = windows.Size(0) / (hp * wp / ws / ws);
        var x = windows.Reshape(b, hp / ws, wp / ws, ws, ws, c)     // [B, Hp/ws, Wp/ws, ws, ws, C]
            .Permute(0, 1, 3, 2, 4, 5)                                // [B, Hp/ws, ws, Wp/ws, ws, C]
            .Reshape(b, hp, wp, c);                                   // [B, Hp, Wp, C]
        if (hp > h || wp > w) x = x.Narrow(1, 0, h).Narrow(2, 0, w).Contiguous();
        return x;
    }
}
