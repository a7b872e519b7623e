using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Tensors.Tests.Autograd;

/// <summary>The fused ops' backward rules against central finite differences.</summary>
public class FusedGradCheckTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    public static TheoryData<string> Ops => new()
    {
        "softmax_last", "softmax_middle", "log_softmax_last", "log_softmax_first", "layer_norm", "layer_norm_2dims",
        "layer_norm_no_affine", "layer_norm2d", "sdpa", "sdpa_causal_bias", "sdpa_multi_tile", "attention_rel_pos", "dropout",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void GradientMatchesFiniteDifferences(string op)
    {
        var (f, inputs) = Case(op);
        var result = GradCheck.Check(f, inputs, eps: 1e-2, atol: 2e-3, rtol: 2e-2, maxElementsPerInput: 48);
        Assert.True(result.Checked > 0, "nothing was checked");
        Assert.True(result.Passed, $"{op}: {result.Worst} (max abs error {result.MaxAbsError:G3})");
    }

    private static (Func<Tensor[], Tensor>, Tensor[]) Case(string op) => op switch
    {
        "softmax_last" => (x => x[0].Softmax(-1), new[] { R(1, 3, 11) }),
        "softmax_middle" => (x => x[0].Softmax(1), new[] { R(1, 2, 5, 9) }),
        "log_softmax_last" => (x => x[0].LogSoftmax(-1), new[] { R(1, 4, 13) }),
        "log_softmax_first" => (x => x[0].LogSoftmax(0), new[] { R(1, 6, 3) }),
        "layer_norm" => (x => Tensor.LayerNorm(x[0], new[] { 10 }, x[1], x[2]), new[] { R(1, 3, 10), R(2, 10), R(3, 10) }),
        "layer_norm_2dims" => (x => Tensor.LayerNorm(x[0], new[] { 3, 4 }, x[1], x[2]), new[] { R(1, 2, 3, 4), R(2, 3, 4), R(3, 3, 4) }),
        "layer_norm_no_affine" => (x => Tensor.LayerNorm(x[0], new[] { 17 }), new[] { R(1, 2, 17) }),
        "layer_norm2d" => (x => Tensor.LayerNorm2d(x[0], x[1], x[2], 1e-6f), new[] { R(1, 2, 5, 3, 7), R(2, 5), R(3, 5) }),
        "sdpa" => (x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2]), new[] { R(1, 2, 5, 6), R(2, 2, 7, 6), R(3, 2, 7, 3) }),
        "sdpa_causal_bias" => (x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], x[3], 0.7f, causal: true),
            new[] { R(1, 2, 6, 5), R(2, 2, 8, 5), R(3, 2, 8, 4), R(4, 1, 6, 8) }),
        "sdpa_multi_tile" => (x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2]), new[] { R(1, 1, 50, 4), R(2, 1, 140, 4), R(3, 1, 140, 4) }),
        "attention_rel_pos" => (x => Tensor.AttentionDecomposedRelPos(x[0], x[1], x[2], x[3], x[4]),
            new[] { R(1, 2, 6, 4), R(2, 2, 12, 4), R(3, 2, 12, 4), R(4, 2, 2, 3, 3), R(5, 2, 2, 3, 4) }),
        "dropout" => (x => x[0].Dropout(0.4f, new Generator(21), training: true), new[] { R(1, 40) }),
        _ => throw new ArgumentException(op),
    };
}
