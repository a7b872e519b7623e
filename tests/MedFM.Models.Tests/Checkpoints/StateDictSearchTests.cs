using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Torch;
using Xunit;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>Finding the weights inside the layouts training code saves.</summary>
public class StateDictSearchTests
{
    /// <summary>A zip checkpoint whose data.pkl is built by <paramref name="body"/>; T(p) emits a 1-float tensor.</summary>
    private static FoundStateDict Find(Action<PickleBuilder> body, string? path = null)
    {
        var p = new PickleBuilder().Proto(2);
        body(p);
        var zip = PickleBuilder.TorchZip(p.Stop().ToArray(), new Dictionary<string, byte[]> { ["0"] = new byte[4] });
        var ckpt = TorchCheckpoint.Load(zip, "search.pth");
        return ckpt.FindStateDict(path);
    }

    private static PickleBuilder T(PickleBuilder p) => p.Tensor("FloatStorage", "0", 1, 0, [1], [1]);

    private static PickleBuilder Dict(PickleBuilder p, params (string Key, Func<PickleBuilder, PickleBuilder> Value)[] items)
    {
        p.EmptyDict().Mark();
        foreach (var (k, v) in items) v(p.Str(k));
        return p.SetItems();
    }

    private static Func<PickleBuilder, PickleBuilder> Tensors(params string[] keys) =>
        p => Dict(p, keys.Select(k => (k, (Func<PickleBuilder, PickleBuilder>)T)).ToArray());

    private static PickleBuilder Int(PickleBuilder p) => p.Int(3);

    [Fact]
    public void RootTensorDict()
    {
        var f = Find(p => Tensors("a.weight", "a.bias")(p));
        Assert.Equal("", f.Path);
        Assert.Equal(["a.weight", "a.bias"], f.StateDict.Keys);
        Assert.Empty(f.IgnoredKeys);
    }

    [Theory]
    [InlineData("state_dict")]
    [InlineData("model")]
    [InlineData("network_weights")]
    [InlineData("module")]
    [InlineData("model_state_dict")]
    [InlineData("teacher")]
    public void KnownWrappers_BesideTrainingState(string key)
    {
        var f = Find(p => Dict(p, ("epoch", Int), (key, Tensors("w")), ("optimizer", q => Dict(q, ("state", Tensors("m"))))));
        Assert.Equal(key, f.Path);
        Assert.Equal(["w"], f.StateDict.Keys);
    }

    [Fact]
    public void TeacherIsPreferredOverStudent_AndNestedWrappersAreFollowed()
    {
        Assert.Equal("teacher", Find(p => Dict(p, ("student", Tensors("s")), ("teacher", Tensors("t")))).Path);
        Assert.Equal("state_dict/model", Find(p => Dict(p, ("state_dict", q => Dict(q, ("model", Tensors("w")), ("epoch", Int))))).Path);
    }

    [Fact]
    public void TensorsMixedWithOtherEntries_AreKept_AndTheRestReported()
    {
        var f = Find(p => Dict(p, ("w", T), ("epoch", Int), ("b", T)));
        Assert.Equal("", f.Path);
        Assert.Equal(["w", "b"], f.StateDict.Keys);
        Assert.Equal(["epoch"], f.IgnoredKeys);
    }

    [Fact]
    public void UnknownWrapper_IsFound_ButOptimizerStateIsNeverTakenForTheModel()
    {
        Assert.Equal("checkpoint/weights_custom",
            Find(p => Dict(p, ("optimizer", Tensors("m")), ("checkpoint", q => Dict(q, ("weights_custom", Tensors("w")), ("iter", Int))))).Path);
        Assert.Throws<CheckpointFormatException>(() => Find(p => Dict(p, ("optimizer", Tensors("m")), ("epoch", Int))));
    }

    [Fact]
    public void ExplicitPath()
    {
        var f = Find(p => Dict(p, ("a", q => Dict(q, ("b", Tensors("x")))), ("model", Tensors("w"))), "a/b");
        Assert.Equal("a/b", f.Path);
        Assert.Equal(["x"], f.StateDict.Keys);
    }

    [Fact]
    public void NoTensorsAnywhere() =>
        Assert.Contains("no state dict", Assert.Throws<CheckpointFormatException>(() => Find(p => Dict(p, ("epoch", Int)))).Message);
}
