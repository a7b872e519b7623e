using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Pickle;
using MedFM.Models.Checkpoints.Torch;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// Pickles that would run code under Python's pickle are refused by name, and nothing runs: each hostile payload
/// would create a marker file, and the tests check it never appears.
/// </summary>
public sealed class UnsafePickleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("medfm-unsafe-");

    private string Marker => Path.Combine(_dir.FullName, "marker");

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData("malicious_os_system.pth")]
    [InlineData("malicious_eval_legacy.pth")]
    [InlineData("malicious_popen.pth")]
    [InlineData("pickled_module.pth")]
    public void FixturesBuiltWithReduce_AreRefusedByName_AndNothingRuns(string file)
    {
        var marker = Path.Combine(Directory.GetCurrentDirectory(), "medfm_pickle_marker");
        Assert.False(File.Exists(marker));
        var e = Assert.Throws<UnsafeCheckpointException>(() => TorchCheckpoint.Load(FixturePath(file)));
        Assert.Equal(Of("hostile").GetProperty(file).GetString(), e.GlobalName);
        Assert.Contains(e.GlobalName, e.Message);
        Assert.Equal(FixturePath(file), e.File);
        Assert.NotNull(e.Offset);
        Assert.False(File.Exists(marker));
        Assert.Throws<UnsafeCheckpointException>(() => CheckpointFile.Load(FixturePath(file)));
    }

    public static TheoryData<string, string, string> Globals => new()
    {
        { "posix", "system", "posix.system" },
        { "os", "system", "os.system" },
        { "nt", "system", "nt.system" },
        { "builtins", "eval", "builtins.eval" },
        { "__builtin__", "eval", "builtins.eval" },
        { "builtins", "exec", "builtins.exec" },
        { "builtins", "getattr", "builtins.getattr" },
        { "subprocess", "Popen", "subprocess.Popen" },
        { "torch.storage", "_load_from_bytes", "torch.storage._load_from_bytes" },
        { "torch._utils", "_rebuild_qtensor", "torch._utils._rebuild_qtensor" },
        { "torch", "load", "torch.load" },
        { "collections", "defaultdict", "collections.defaultdict" },
    };

    private byte[] Payload(Func<PickleBuilder, PickleBuilder> global) =>
        global(new PickleBuilder().Proto(2).EmptyDict().Str("x"))
            .Mark().Str("touch " + Marker).Tuple().Reduce().SetItem().Stop().ToArray();

    [Theory]
    [MemberData(nameof(Globals))]
    public void Global_InsideAZipCheckpoint(string module, string name, string reported)
    {
        var zip = PickleBuilder.TorchZip(Payload(p => p.Global(module, name)));
        var e = Assert.Throws<UnsafeCheckpointException>(() => TorchCheckpoint.Load(zip, "evil.pth"));
        Assert.Equal(reported, e.GlobalName);
        Assert.Equal("archive/data.pkl", e.Entry);
        Assert.Equal(9, e.Offset); // PROTO (2 bytes), EMPTY_DICT (1), BINUNICODE 'x' (6): the GLOBAL opcode is at byte 9 of data.pkl
        Assert.False(File.Exists(Marker));
    }

    [Theory]
    [MemberData(nameof(Globals))]
    public void StackGlobal_InAPlainPickle(string module, string name, string reported)
    {
        var e = Assert.Throws<UnsafeCheckpointException>(() => PickleReader.Load(Payload(p => p.StackGlobal(module, name))));
        Assert.Equal(reported, e.GlobalName);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void Inst_OpcodeNamesItsClassInline()
    {
        var p = new PickleBuilder().Mark().Str("touch " + Marker).Op('i').Text("os\nsystem\n").Stop().ToArray();
        Assert.Equal("os.system", Assert.Throws<UnsafeCheckpointException>(() => PickleReader.Load(p)).GlobalName);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void ExtensionRegistryCodes_AreRefused()
    {
        var p = new PickleBuilder().Proto(2).Op(0x82).Byte(1).EmptyTuple().Reduce().Stop().ToArray();
        Assert.Throws<UnsafeCheckpointException>(() => PickleReader.Load(p));
    }

    [Fact]
    public void HostileFirstPickleOfALegacyFile_StaysUnsafe_NotMerelyBadMagic()
    {
        var e = Assert.Throws<UnsafeCheckpointException>(() => TorchCheckpoint.Load(Payload(p => p.Global("posix", "system")), "evil.pth"));
        Assert.Equal("posix.system", e.GlobalName);
        Assert.Equal("magic number pickle", e.Entry);
    }

    [Fact]
    public void HostileObjectPickleOfALegacyFile()
    {
        var bytes = PickleBuilder.LegacyPreamble().Concat(Payload(p => p.Global("subprocess", "Popen"))).ToArray();
        var e = Assert.Throws<UnsafeCheckpointException>(() => TorchCheckpoint.Load(bytes, "evil.pth"));
        Assert.Equal("subprocess.Popen", e.GlobalName);
        Assert.Equal("object pickle", e.Entry);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void AllowedNames_UsedAsSomethingElse_AreFormatErrors()
    {
        // A storage type is a marker, not a function; _codecs.encode only spells bytes; copyreg only rebuilds allowed classes.
        var calls = new[]
        {
            new PickleBuilder().Proto(2).Global("torch", "FloatStorage").Mark().Int(4).Tuple().Reduce().Stop(),
            new PickleBuilder().Proto(2).Global("_codecs", "encode").Mark().Str("x").Str("rot13").Tuple().Reduce().Stop(),
            new PickleBuilder().Proto(2).Global("copyreg", "_reconstructor").Mark().Global("argparse", "Namespace").Global("collections", "OrderedDict").None().Tuple().Reduce().Stop(),
            new PickleBuilder().Proto(2).Global("torch._tensor", "_rebuild_from_type_v2").Mark().Global("argparse", "Namespace").Global("torch", "Tensor").EmptyTuple().None().Tuple().Reduce().Stop(),
            new PickleBuilder().Proto(2).Global("numpy", "dtype").Mark().Str("O").Tuple().Reduce().Stop(),
        };
        foreach (var c in calls) Assert.Throws<CheckpointFormatException>(() => PickleReader.Load(c.ToArray()));
    }
}
