using System.Numerics;
using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Pickle;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// The restricted pickle VM against pickles CPython wrote at every protocol (pure_data_pickles.json, from
/// tools/checkpoints/make_fixtures.py `pure_data()`), and against hand-made bombs and malformed streams.
/// </summary>
public class UnpicklerTests
{
    private static byte[] PythonPickle(int protocol)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture("checkpoints/pure_data_pickles.json")));
        return Convert.FromBase64String(doc.RootElement.GetProperty(protocol.ToString()).GetString()!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PythonPickles_OfEveryProtocol_ReadAsTheSameData(int protocol)
    {
        var d = Assert.IsType<PyDict>(PickleReader.Load(PythonPickle(protocol), $"p{protocol}"));
        Assert.Equal(new object?[]
        {
            "int_small", "int_byte", "int_neg", "int_32", "int_64", "int_big", "int_bigneg", "float", "float_neg_zero", "float_inf",
            "float_big", "str", "unicode", "long_str", "bytes", "bytearray", "none", "t", "f", "tuple0", "tuple1", "tuple2", "tuple3",
            "tuple5", "list", "set", "frozenset", "shared_a", "shared_b", "od", "int_keys", "tuple_key", "nested",
        }, d.Keys);
        Assert.Equal(7L, d["int_small"]);
        Assert.Equal(255L, d["int_byte"]);
        Assert.Equal(-300L, d["int_neg"]);
        Assert.Equal((long)int.MaxValue, d["int_32"]);
        Assert.Equal(long.MinValue, d["int_64"]);
        Assert.Equal(BigInteger.Pow(2, 100), d["int_big"]);
        Assert.Equal(-BigInteger.Pow(2, 70) + 1, d["int_bigneg"]);
        Assert.Equal(0.1, d["float"]);
        Assert.True(double.IsNegative(Assert.IsType<double>(d["float_neg_zero"])) && (double)d["float_neg_zero"]! == 0);
        Assert.Equal(double.PositiveInfinity, d["float_inf"]);
        Assert.Equal(1e300, d["float_big"]);
        Assert.Equal("ascii", d["str"]);
        Assert.Equal("h\u00e9llo \u2192 \u4e16\u754c \U0001f642 back\\slash\nline", d["unicode"]);
        Assert.Equal(new string('x', 300), d["long_str"]);
        Assert.Equal(new byte[] { 0, 0xFF, (byte)' ', (byte)'r', (byte)'a', (byte)'w', (byte)'\n' }, d["bytes"]);
        Assert.Equal("ab"u8.ToArray(), d["bytearray"]);
        Assert.Null(d["none"]);
        Assert.Equal(true, d["t"]);
        Assert.Equal(false, d["f"]);
        Assert.Empty(Assert.IsType<PyTuple>(d["tuple0"]));
        Assert.Equal(new object?[] { 1L }, Assert.IsType<PyTuple>(d["tuple1"]));
        Assert.Equal(new object?[] { 1L, "a" }, Assert.IsType<PyTuple>(d["tuple2"]));
        Assert.Equal(new object?[] { 1L, 2L, 3L }, Assert.IsType<PyTuple>(d["tuple3"]));
        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L, 5L }, Assert.IsType<PyTuple>(d["tuple5"]));
        var list = Assert.IsType<List<object?>>(d["list"]);
        Assert.Equal(3L, Assert.IsType<List<object?>>(Assert.IsType<List<object?>>(list[1])[1])[0]);
        var set = Assert.IsType<PySet>(d["set"]);
        Assert.True(set.Count == 2 && set.Contains(1L) && set.Contains(2L) && !set.IsFrozen);
        var frozen = Assert.IsType<PySet>(d["frozenset"]);
        Assert.True(frozen.IsFrozen && frozen.Contains("x"));
        Assert.Same(d["shared_a"], d["shared_b"]); // the memo preserves sharing
        var od = Assert.IsType<PyDict>(d["od"]);
        Assert.Equal("collections.OrderedDict", od.ClassName);
        Assert.Equal(new object?[] { "b", "a" }, od.Keys);
        var intKeys = Assert.IsType<PyDict>(d["int_keys"]);
        Assert.Equal("two", intKeys.TryGetValue(2L, out var two) ? two : null);
        Assert.True(intKeys.ContainsKey(1.0) && intKeys.ContainsKey(true)); // Python equality: 1 == 1.0 == True
        Assert.Equal("v", Assert.IsType<PyDict>(d["tuple_key"]).TryGetValue(new PyTuple([1L, "x"]), out var v) ? v : null);
        var c = Assert.IsType<PyDict>(Assert.IsType<PyDict>(Assert.IsType<PyDict>(d["nested"])["a"])["b"])["c"];
        Assert.Equal(new object?[] { 1.5 }, Assert.IsType<List<object?>>(c));
    }

    [Fact]
    public void Protocol0_TextOpcodes()
    {
        // INT True/False spellings, LONG with its L, FLOAT, STRING with escapes, DICT/LIST/TUPLE from marks, PUT/GET.
        var text = "(dp0\nS'k\\x41\\n'\np1\nI01\nsS'long'\np2\nL-12345678901234567890L\nsS'f'\nF-2.5\nsS'l'\n(lp3\nI00\naI7\nag1\nas.";
        var d = Assert.IsType<PyDict>(PickleReader.Load(System.Text.Encoding.ASCII.GetBytes(text)));
        Assert.Equal(true, d["kA\n"]);
        Assert.Equal(BigInteger.Parse("-12345678901234567890"), d["long"]);
        Assert.Equal(-2.5, d["f"]);
        Assert.Equal(new object?[] { false, 7L, "kA\n" }, Assert.IsType<List<object?>>(d["l"]));
    }

    private static CheckpointFormatException Rejects(byte[] pickle, UnpicklerLimits? limits = null) =>
        Assert.Throws<CheckpointFormatException>(() => PickleReader.Load(pickle, "bad.pkl", limits));

    [Fact]
    public void NestingBomb_IsStoppedAtTheLimit()
    {
        var p = new PickleBuilder().Proto(2);
        for (int i = 0; i < 100_000; i++) p.Mark();
        Assert.Contains("nest", Rejects(p.ToArray()).Message);
    }

    [Fact]
    public void StackAndMemoLimits()
    {
        var stack = new PickleBuilder().Proto(2);
        for (int i = 0; i < 200; i++) stack.None();
        Assert.Contains("stack exceeds", Rejects(stack.Stop().ToArray(), new UnpicklerLimits { MaxStack = 100 }).Message);
        var memo = new PickleBuilder().Proto(4);
        for (int i = 0; i < 200; i++) memo.None().Op(0x94).Op('0');
        Assert.Contains("memo exceeds", Rejects(memo.None().Stop().ToArray(), new UnpicklerLimits { MaxMemo = 100 }).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xF0, 0xFF, 0xFF, 0xFF, (byte)'a', (byte)'.' }, "truncated")]                         // BINUNICODE of 4 GB
    [InlineData(new byte[] { 0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40, (byte)'.' }, "truncated")]                                          // BINBYTES8 of 2^62
    [InlineData(new byte[] { 0x80, 2, 0x8b, 0, 0, 0, 0x40, (byte)'.' }, "exceeds the limit")]                                              // LONG4 of 1 GB
    [InlineData(new byte[] { 0x80, 2, 0x8b, 100, 0, 0, 0, 1, (byte)'.' }, "truncated")]                                                    // LONG4 longer than the input
    [InlineData(new byte[] { 0x80, 2, 0x8b, 0, 0x20, 0, 0, 1, 2, 3 }, "exceeds the limit")]                                                 // LONG4 beyond the integer size limit
    [InlineData(new byte[] { 0x80, 2, 0x95, 0, 0, 0, 0, 0, 0, 0, 0x7F, (byte)'N', (byte)'.' }, "frame length")]                           // FRAME longer than the input
    [InlineData(new byte[] { 0x80, 9, (byte)'N', (byte)'.' }, "protocol 9")]
    [InlineData(new byte[] { 0x80, 2, 0xFF }, "unknown pickle opcode 0xff")]
    [InlineData(new byte[] { 0x80, 2, (byte)'.' }, "empty stack")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N' }, "truncated")]                                                                           // no STOP
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 5, (byte)'.' }, "never PUT")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'a', (byte)'.' }, "not a list")]
    [InlineData(new byte[] { 0x80, 2, (byte)'1', (byte)'.' }, "MARK expected")]
    [InlineData(new byte[] { 0x80, 2, (byte)'(', (byte)'R', (byte)'.' }, "underflow")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)']', (byte)'N', (byte)'s', (byte)'.' }, "unhashable")]                             // {[]: None}
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)'(', (byte)'N', (byte)'u', (byte)'.' }, "odd number")]
    [InlineData(new byte[] { 0x80, 2, (byte)'Q', (byte)'.' }, "underflow")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'Q', (byte)'.' }, "persistent id")]
    [InlineData(new byte[] { 0x80, 5, 0x97, (byte)'.' }, "out-of-band")]
    public void MalformedStreams(byte[] pickle, string message) => Assert.Contains(message, Rejects(pickle).Message);

    [Fact]
    public void Errors_NameTheOffsetOfTheFailingOpcode()
    {
        var e = Rejects(new byte[] { 0x80, 2, (byte)'N', (byte)'N', 0xFF });
        Assert.Equal(4, e.Offset);
        Assert.Equal("bad.pkl", e.File);
        Assert.Equal("pickle", e.Entry);
    }

    [Fact]
    public void HugeTextInteger_IsRefusedBeforeParsing() =>
        Assert.Contains("digits", Rejects(System.Text.Encoding.ASCII.GetBytes("I" + new string('9', 100_000) + "\n.")).Message);

    [Fact]
    public void BillionLaughs_StaysLinear_AndFormattingIsBounded()
    {
        // l0 = [None]; l(i) = [l(i-1)] * 10 for 60 levels: 10^60 elements if expanded, 600 references here.
        var p = new PickleBuilder().Proto(4).EmptyList().Op(0x94).Mark().None().Op('e');
        for (int i = 1; i <= 60; i++)
        {
            p.EmptyList().Op(0x94).Mark();
            for (int k = 0; k < 10; k++) p.Op('h').Byte((byte)(i - 1));
            p.Op('e').Op('0');
        }
        p.Op('h').Byte(60).Stop();
        var top = Assert.IsType<List<object?>>(PickleReader.Load(p.ToArray()));
        Assert.Equal(10, top.Count);
        Assert.True(PyFormat.Short(top).Length < 1000);
        Assert.Throws<CheckpointFormatException>(() => StateDictSearch.Find(top));
    }

    [Fact]
    public void BuildState_UnpacksOneLevelAsPython_SoDeepTuplesCannotOverflowTheStack()
    {
        // {}.__setstate__(((({'a': 1}, None), None) ... )) 300,000 levels deep: Python accepts (state, slotstate) only.
        var deep = new PickleBuilder().Proto(2).EmptyDict().EmptyDict();
        for (int i = 0; i < 300_000; i++) deep.None().Op(0x86);
        Assert.Contains("BUILD state must be a dict, found tuple", Rejects(deep.Op('b').Stop().ToArray()).Message);
        var flat = new PickleBuilder().Proto(2).EmptyDict().EmptyDict().Str("a").Int(1).SetItem().None().Op(0x86).Op('b').Stop();
        var d = Assert.IsType<PyDict>(PickleReader.Load(flat.ToArray()));
        Assert.Equal(1L, d.Attributes["a"]);
    }

    [Fact]
    public void CopyingMemoisedValuesOverAndOver_IsBoundedByThePickleLength()
    {
        // L = [1] * 50,000 memoised, then [set(L), set(L), ...]: 6 bytes a call, each copying 50,000 items.
        var sets = new PickleBuilder().Proto(2).EmptyList().Mark();
        for (int i = 0; i < 50_000; i++) sets.Op('K').Byte(1);
        sets.Op('e').Op('q').Byte(0).Op('0').Global("__builtin__", "set").Op('q').Byte(1).Op('0').EmptyList();
        for (int i = 0; i < 20_000; i++) sets.Op('h').Byte(1).Op('h').Byte(0).Op(0x85).Reduce().Op('a');
        Assert.Contains("amplif", Rejects(sets.Stop().ToArray()).Message);
        // A 200,000-character string memoised, then d[s] = s again and again: each SETITEM hashes the whole key.
        var keys = new PickleBuilder().Proto(2).EmptyDict().Str(new string('x', 200_000)).Op('q').Byte(0).Op('0');
        for (int i = 0; i < 20_000; i++) keys.Op('h').Byte(0).Op('h').Byte(0).SetItem();
        Assert.Contains("amplif", Rejects(keys.Stop().ToArray()).Message);
        // The same calls a few times fit the budget.
        var few = new PickleBuilder().Proto(2).EmptyList().Mark();
        for (int i = 0; i < 50_000; i++) few.Op('K').Byte(1);
        few.Op('e').Op('q').Byte(0).Op('0').Global("__builtin__", "set").Op('q').Byte(1).Op('0').EmptyList();
        for (int i = 0; i < 3; i++) few.Op('h').Byte(1).Op('h').Byte(0).Op(0x85).Reduce().Op('a');
        Assert.Equal(3, Assert.IsType<List<object?>>(PickleReader.Load(few.Stop().ToArray())).Count);
    }

    [Fact]
    public void CyclicGraphs_LoadAndAreWalkedSafely()
    {
        // l = []; l.append(l)  and  d = {}; d['model'] = d; d['teacher'] = [d]
        var list = new PickleBuilder().Proto(4).EmptyList().Op(0x94).Op('h').Byte(0).Op('a').Stop().ToArray();
        var l = Assert.IsType<List<object?>>(PickleReader.Load(list));
        Assert.Same(l, l[0]);
        Assert.Contains("...", PyFormat.Short(l));
        var dict = new PickleBuilder().Proto(4).EmptyDict().Op(0x94).Str("model").Op('h').Byte(0).SetItem().Stop().ToArray();
        var d = Assert.IsType<PyDict>(PickleReader.Load(dict));
        Assert.Same(d, d["model"]);
        Assert.Throws<CheckpointFormatException>(() => StateDictSearch.Find(d));
    }
}
