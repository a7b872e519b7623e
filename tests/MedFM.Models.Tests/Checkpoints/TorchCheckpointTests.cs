using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Pickle;
using MedFM.Models.Checkpoints.Torch;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>.pth files written by torch.save (PyTorch 1.13) in both containers and several pickle protocols.</summary>
public class TorchCheckpointTests
{
    public static TheoryData<string, TorchCheckpointFormat, int> Files => new()
    {
        { "all_dtypes_zip.pth", TorchCheckpointFormat.Zip, 2 },
        { "all_dtypes_legacy.pth", TorchCheckpointFormat.Legacy, 2 },
        { "nested_model_zip.pth", TorchCheckpointFormat.Zip, 2 },
        { "nested_model_legacy.pth", TorchCheckpointFormat.Legacy, 2 },
        { "state_dict_p4_zip.pth", TorchCheckpointFormat.Zip, 4 },
        { "state_dict_p5_legacy.pth", TorchCheckpointFormat.Legacy, 5 },
        { "teacher_student.pth", TorchCheckpointFormat.Zip, 2 },
        { "renamed_archive.pth", TorchCheckpointFormat.Zip, 2 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void StateDict_EqualsWhatPyTorchSaved_LayoutAndEveryValue(string file, TorchCheckpointFormat format, int protocol)
    {
        using var ckpt = TorchCheckpoint.Load(FixturePath(file));
        Assert.Equal(format, ckpt.Format);
        Assert.Equal(protocol, ckpt.PickleProtocol);
        var found = ckpt.FindStateDict();
        Assert.Equal(StatePath(file), found.Path);
        AssertStateDict(file, found.StateDict);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void LoadingFromMemory_GivesTheSameTensors(string file, TorchCheckpointFormat format, int protocol)
    {
        using var ckpt = TorchCheckpoint.Load(File.ReadAllBytes(FixturePath(file)), file);
        Assert.Equal(format, ckpt.Format);
        Assert.Equal(protocol, ckpt.PickleProtocol);
        AssertStateDict(file, ckpt.FindStateDict().StateDict);
    }

    [Fact]
    public void ZipArchive_TopFolderIsTakenFromTheArchive_AndDeflatedMembersAreInflated()
    {
        using (var a = TorchCheckpoint.Load(FixturePath("all_dtypes_zip.pth")))
        {
            Assert.Equal("all_dtypes_zip", a.ArchiveName);
            Assert.Equal(3, a.FormatVersion); // PyTorch 1.13 writes version 3
        }
        // renamed_archive.pth: top folder "archive", data.pkl and data/1 deflated by Python's zipfile.
        using var b = TorchCheckpoint.Load(FixturePath("renamed_archive.pth"));
        Assert.Equal("archive", b.ArchiveName);
        AssertStateDict("renamed_archive.pth", b.FindStateDict().StateDict);
    }

    [Theory]
    [InlineData("all_dtypes_zip.pth")]
    [InlineData("all_dtypes_legacy.pth")]
    public void Views_ShareTheirBaseStorage(string file)
    {
        using var ckpt = TorchCheckpoint.Load(FixturePath(file));
        var sd = ckpt.FindStateDict().StateDict;
        var storage = sd["base"].Storage;
        foreach (var view in new[] { "base_t", "row1", "col2" }) Assert.Same(storage, sd[view].Storage);
        Assert.NotSame(storage, sd["f32"].Storage);
        Assert.False(sd["base_t"].IsContiguous);
        Assert.True(sd["param"].RequiresGrad);
        Assert.False(sd["base"].RequiresGrad);
    }

    [Theory]
    [InlineData("nested_model_zip.pth")]
    [InlineData("nested_model_legacy.pth")]
    public void TrainingCheckpoint_NonTensorEntriesComeBackAsPlainData(string file)
    {
        var e = Of(file);
        using var ckpt = TorchCheckpoint.Load(FixturePath(file));
        var root = Assert.IsType<PyDict>(ckpt.Root);
        Assert.Equal(e.GetProperty("epoch").GetInt64(), root["epoch"]);
        Assert.Equal(e.GetProperty("step").GetInt64(), root["step"]);                 // numpy.int64 scalar
        Assert.Equal(e.GetProperty("best_metric").GetDouble(), root["best_metric"]);  // numpy.float64 scalar
        Assert.Equal("cpu", root["device"]);
        Assert.Equal(CheckpointDType.F16, Assert.IsType<PyGlobal>(root["amp_dtype"]).DType);
        var args = Assert.IsType<PyObject>(root["args"]);
        Assert.Equal("argparse.Namespace", args.ClassName);
        Assert.Equal(e.GetProperty("args_lr").GetDouble(), args.Attributes["lr"]);
        Assert.Equal(e.GetProperty("args_name").GetString(), args.Attributes["name"]);
        Assert.Equal(new object?[] { 1L, 2L }, Assert.IsType<List<object?>>(args.Attributes["sizes"]));
        Assert.Equal(true, Assert.IsType<PyDict>(args.Attributes["flags"])["a"]);
        var mean = Assert.IsType<NumpyArray>(root["mean"]).ToTensor("mean");
        AssertBits(e.GetProperty("mean_f32_bits"), mean.ToFloat32(), "mean");
        var tags = Assert.IsType<PySet>(root["tags"]);
        Assert.True(tags.Contains("ct") && tags.Contains("mr") && tags.Count == 2);

        var optimizer = Assert.IsType<PyDict>(root["optimizer"]);
        var state = Assert.IsType<PyDict>(optimizer["state"]);
        var momentum = Assert.IsType<CheckpointTensor>(Assert.IsType<PyDict>(state.TryGetValue(0L, out var s0) ? s0 : null)["momentum_buffer"]);
        Assert.Equal(Ints(e.GetProperty("momentum_shape")), momentum.Shape.Select(x => (long)x));
        var group = Assert.IsType<PyDict>(Assert.IsType<List<object?>>(optimizer["param_groups"])[0]);
        Assert.Equal(e.GetProperty("param_group_lr").GetDouble(), group["lr"]);
        Assert.Equal(Ints(e.GetProperty("param_group_params")).Cast<object?>(), Assert.IsType<List<object?>>(group["params"]));

        // state_dict() carries per-module versions in the OrderedDict's _metadata attribute (set by BUILD).
        var model = Assert.IsType<PyDict>(root["model"]);
        Assert.Equal("collections.OrderedDict", model.ClassName);
        var meta = Assert.IsType<PyDict>(model.Attributes["_metadata"]);
        Assert.Equal(2L, Assert.IsType<PyDict>(meta["1"])["version"]); // BatchNorm2d._version == 2
    }

    [Fact]
    public void LoadStateDict_OwnsTheMapping_AndReadingAfterDisposeFails()
    {
        var found = TorchCheckpoint.LoadStateDict(FixturePath("teacher_student.pth"));
        Assert.Equal("teacher", found.Path);
        var t = found.StateDict["head.last_layer.weight"];
        Assert.Equal(12, t.ToFloat32().Length);
        found.StateDict.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.ToFloat32());
    }

    [Fact]
    public void ExplicitStatePath_SelectsTheStudent()
    {
        using var ckpt = TorchCheckpoint.Load(FixturePath("teacher_student.pth"));
        var student = ckpt.FindStateDict("student").StateDict;
        var teacher = ckpt.FindStateDict().StateDict;
        var s = student["head.last_layer.weight"].ToFloat32();
        var tt = teacher["head.last_layer.weight"].ToFloat32();
        for (int i = 0; i < s.Length; i++) Assert.Equal(tt[i] + 1f, s[i]); // the script saved student = teacher + 1
        Assert.Throws<CheckpointFormatException>(() => ckpt.FindStateDict("nobody"));
        Assert.Throws<CheckpointFormatException>(() => ckpt.FindStateDict("epoch"));
    }
}
