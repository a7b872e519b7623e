using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Tensors.Tests.Autograd;

/// <summary>Every differentiable op against central finite differences.</summary>
public class GradCheckOpsTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    /// <summary>Values kept away from 0 for ops with a kink or pole there.</summary>
    private static Tensor Away(ulong seed, params int[] shape)
    {
        var t = R(seed, shape);
        return t.Add(t.Sign().Mul(0.3f));
    }

    private static Tensor Positive(ulong seed, params int[] shape) => R(seed, shape).Abs().Add(0.5f);

    public static TheoryData<string> Ops => new()
    {
        "add", "sub", "mul", "div", "pow_scalar", "pow_tensor", "maximum", "neg", "exp", "log", "sqrt", "abs", "sin", "cos",
        "square", "reciprocal", "erf", "clamp", "relu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "leaky_relu",
        "sum_dims", "mean", "amax", "max_dim", "var", "reshape", "permute", "slice", "expand", "cat", "stack", "pad",
        "index_select", "gather", "scatter", "scatter_add", "where", "matmul", "matmul_batched", "linear", "topk",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void GradientMatchesFiniteDifferences(string op)
    {
        var (f, inputs) = Case(op);
        var result = GradCheck.Check(f, inputs, eps: 1e-2, atol: 2e-3, rtol: 2e-2);
        Assert.True(result.Checked > 0, "nothing was checked");
        Assert.True(result.Passed, $"{op}: {result.Worst} (max abs error {result.MaxAbsError:G3})");
    }

    private static (Func<Tensor[], Tensor>, Tensor[]) Case(string op) => op switch
    {
        "add" => (x => x[0] + x[1], new[] { R(1, 3, 4), R(2, 4) }),
        "sub" => (x => x[0] - x[1], new[] { R(1, 3, 1), R(2, 1, 4) }),
        "mul" => (x => x[0] * x[1], new[] { R(1, 2, 3, 4), R(2, 3, 1) }),
        "div" => (x => x[0] / x[1], new[] { R(1, 3, 4), Away(2, 4) }),
        "pow_scalar" => (x => x[0].Pow(2.5f), new[] { Positive(1, 5) }),
        "pow_tensor" => (x => x[0].Pow(x[1]), new[] { Positive(1, 5), R(2, 5) }),
        "maximum" => (x => x[0].Maximum(x[1]), new[] { R(1, 3, 4), R(2, 4) }),
        "neg" => (x => x[0].Neg(), new[] { R(1, 6) }),
        "exp" => (x => x[0].Exp(), new[] { R(1, 6) }),
        "log" => (x => x[0].Log(), new[] { Positive(1, 6) }),
        "sqrt" => (x => x[0].Sqrt(), new[] { Positive(1, 6) }),
        "abs" => (x => x[0].Abs(), new[] { Away(1, 6) }),
        "sin" => (x => x[0].Sin(), new[] { R(1, 6) }),
        "cos" => (x => x[0].Cos(), new[] { R(1, 6) }),
        "square" => (x => x[0].Square(), new[] { R(1, 6) }),
        "reciprocal" => (x => x[0].Reciprocal(), new[] { Away(1, 6) }),
        "erf" => (x => x[0].Erf(), new[] { R(1, 8) }),
        "clamp" => (x => x[0].Clamp(-0.5f, 0.5f), new[] { Away(1, 8) }),
        "relu" => (x => x[0].Relu(), new[] { Away(1, 8) }),
        "sigmoid" => (x => x[0].Sigmoid(), new[] { R(1, 8) }),
        "tanh" => (x => x[0].Tanh(), new[] { R(1, 8) }),
        "gelu" => (x => x[0].Gelu(), new[] { R(1, 8) }),
        "gelu_tanh" => (x => x[0].Gelu("tanh"), new[] { R(1, 8) }),
        "silu" => (x => x[0].Silu(), new[] { R(1, 8) }),
        "leaky_relu" => (x => x[0].LeakyRelu(0.1f), new[] { Away(1, 8) }),
        "sum_dims" => (x => x[0].Sum(new[] { 0, 2 }), new[] { R(1, 2, 3, 4) }),
        "mean" => (x => x[0].Mean(1, keepDim: true), new[] { R(1, 2, 3, 4) }),
        "amax" => (x => x[0].Amax(new[] { 1 }), new[] { R(1, 3, 5) }),
        "max_dim" => (x => x[0].Max(0).Values, new[] { R(1, 4, 3) }),
        "var" => (x => x[0].Var(1), new[] { R(1, 3, 5) }),
        "reshape" => (x => x[0].Permute(1, 0).Reshape(2, 6), new[] { R(1, 3, 4) }),
        "permute" => (x => x[0].Permute(2, 0, 1).Mul(x[0].Permute(2, 0, 1)), new[] { R(1, 2, 3, 4) }),
        "slice" => (x => x[0].Slice(1, 1, 4, 2), new[] { R(1, 3, 5) }),
        "expand" => (x => x[0].Expand(2, 3, 4), new[] { R(1, 3, 1) }),
        "cat" => (x => Tensor.Cat(new[] { x[0], x[1] }, 1), new[] { R(1, 2, 3), R(2, 2, 2) }),
        "stack" => (x => Tensor.Stack(new[] { x[0], x[1] }, 2), new[] { R(1, 2, 3), R(2, 2, 3) }),
        "pad" => (x => x[0].Pad(new[] { 1, 2, 0, 1 }, 3f), new[] { R(1, 2, 3) }),
        "index_select" => (x => x[0].IndexSelect(1, Tensor.FromLongs(new long[] { 2, 0, 2 })), new[] { R(1, 2, 3, 2) }),
        "gather" => (x => x[0].Gather(1, Tensor.FromLongs(new long[] { 0, 2, 2, 1, 0, 0 }, 2, 3)), new[] { R(1, 2, 4) }),
        "scatter" => (x => x[0].Scatter(1, Tensor.FromLongs(new long[] { 3, 0, 1, 2 }, 2, 2), x[1]), new[] { R(1, 2, 4), R(2, 2, 2) }),
        "scatter_add" => (x => x[0].ScatterAdd(1, Tensor.FromLongs(new long[] { 3, 3, 1, 2 }, 2, 2), x[1]), new[] { R(1, 2, 4), R(2, 2, 2) }),
        "where" => (x => Tensor.Where(x[0].Gt(0f), x[0], x[1]), new[] { Away(1, 2, 3), R(2, 3) }),
        "matmul" => (x => x[0].Matmul(x[1]), new[] { R(1, 3, 4), R(2, 4, 5) }),
        "matmul_batched" => (x => x[0].Matmul(x[1].Transpose(-2, -1)), new[] { R(1, 2, 1, 3, 4), R(2, 3, 5, 4) }),
        "linear" => (x => Tensor.Linear(x[0], x[1], x[2]), new[] { R(1, 2, 3, 4), R(2, 5, 4), R(3, 5) }),
        "topk" => (x => x[0].Topk(2, 1).Values, new[] { R(1, 3, 5) }),
        _ => throw new ArgumentException(op),
    };
}
