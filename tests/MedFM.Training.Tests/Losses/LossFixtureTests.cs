using System.Text.Json;
using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.TestSupport;
using MedFM.Training.Losses;
using Xunit;

namespace MedFM.Training.Tests.Losses;

/// <summary>
/// Loss values and input gradients against torch 1.13, torchvision's sigmoid_focal_loss and MONAI's DiceLoss /
/// DiceCELoss (tests/Fixtures/training/losses.json).
/// </summary>
public class LossFixtureTests
{
    private const string File = "training/losses.json";

    public static IEnumerable<object[]> Cases => JsonFixture.CaseNames(File, "cases");

    private static Reduction Red(JsonElement c, Reduction fallback = Reduction.Mean) =>
        c.TryGetProperty("reduction", out var r) ? Enum.Parse<Reduction>(r.GetString()!, ignoreCase: true) : fallback;

    private static Tensor? Opt(JsonElement c, string key) => c.TryGetProperty(key, out var e) ? JsonFixture.Tensor(e) : null;

    private static bool Flag(JsonElement c, string key) => c.TryGetProperty(key, out var e) && e.GetBoolean();

    private static Func<Tensor, Tensor, Tensor> Build(string name, JsonElement c)
    {
        if (name.StartsWith("ce_"))
        {
            var ce = new CrossEntropyLoss(Opt(c, "weight"), c.TryGetProperty("ignore_index", out var ii) ? ii.GetInt64() : -100, Red(c),
                JsonFixture.Double(c, "label_smoothing", 0));
            return ce.Forward;
        }
        if (name.StartsWith("bce_")) return new BCEWithLogitsLoss(Opt(c, "weight"), Opt(c, "pos_weight"), Red(c)).Forward;
        if (name.StartsWith("mse_")) return new MSELoss(Red(c)).Forward;
        if (name.StartsWith("focal_"))
            return new SigmoidFocalLoss(JsonFixture.Double(c, "alpha", 0.25), JsonFixture.Double(c, "gamma", 2), Red(c)).Forward;
        var dice = new DiceLoss
        {
            Softmax = Flag(c, "softmax"), Sigmoid = Flag(c, "sigmoid"), ToOnehotY = Flag(c, "to_onehot_y"),
            IncludeBackground = !c.TryGetProperty("include_background", out var ib) || ib.GetBoolean(),
            SquaredPred = Flag(c, "squared_pred"), Jaccard = Flag(c, "jaccard"), Batch = Flag(c, "batch"), Reduction = Red(c),
            SmoothNr = JsonFixture.Double(c, "smooth_nr", 1e-5), SmoothDr = JsonFixture.Double(c, "smooth_dr", 1e-5),
        };
        if (name == "dice_ce")
            return new DiceCELoss(dice, lambdaDice: JsonFixture.Double(c, "lambda_dice", 1), lambdaCe: JsonFixture.Double(c, "lambda_ce", 1)).Forward;
        return dice.Forward;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchReference(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var x = JsonFixture.Tensor(c.GetProperty("input")).RequireGrad();
        var target = JsonFixture.Tensor(c.GetProperty("target"));
        var loss = Build(name, c)(x, target);
        var expected = JsonFixture.Tensor(c.GetProperty("loss"));
        TensorAssert.Shape(loss, expected.ShapeArray());
        TensorAssert.Close(expected.ToArray(), loss, atol: 1e-6, rtol: 1e-5);
        loss.Mul(JsonFixture.Tensor(c.GetProperty("projection"))).Sum().Backward();
        TensorAssert.Close(JsonFixture.Tensor(c.GetProperty("grad")).ToArray(), x.Grad!, atol: 1e-6, rtol: 1e-4);
    }
}
