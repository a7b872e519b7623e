namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// numpy's pickling protocol evaluated as data (numpy/core/multiarray: scalar, _reconstruct; numpy.dtype and the
/// ndarray/dtype __setstate__ tuples), for the numeric scalars and arrays that training checkpoints carry
/// (best metrics, epochs, RNG states). Object dtypes are refused.
/// </summary>
internal static class NumpyRebuild
{
    /// <summary>numpy.dtype(code, align, copy).</summary>
    public static NumpyDType DType(PyTuple args, Unpickler ctx)
    {
        if (args.Count is < 1 or > 3 || args[0] is not string code) throw ctx.Error("numpy.dtype expects (code, align, copy)");
        var trimmed = code.TrimStart('<', '>', '|', '=');
        var dt = NumpyDType.Parse(trimmed) ?? throw ctx.Error($"numpy dtype '{code}' is not supported (numeric and bool dtypes only)");
        var result = new NumpyDType(trimmed, dt);
        if (code.Length > trimmed.Length) result.ByteOrder = code[0];
        return result;
    }

    /// <summary>numpy dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags).</summary>
    public static void SetDTypeState(NumpyDType dt, object? state, Unpickler ctx)
    {
        if (state is not PyTuple { Count: >= 2 } t || t[1] is not string { Length: 1 } order || order[0] is not ('<' or '>' or '|' or '='))
            throw ctx.Error("unexpected numpy dtype state");
        if (t.Count > 3 && t[3] is not null) throw ctx.Error("structured numpy dtypes are not supported");
        dt.ByteOrder = order[0];
    }

    /// <summary>numpy.core.multiarray.scalar(dtype, bytes): a numpy scalar as a .NET double, long or bool.</summary>
    public static object Scalar(PyTuple args, Unpickler ctx)
    {
        if (args.Count != 2 || args[0] is not NumpyDType dt) throw ctx.Error("numpy scalar expects (dtype, bytes)");
        if (args[1] is string text) ctx.Charge(text.Length);
        var bytes = args[1] switch
        {
            byte[] b => b,
            string s when s.All(c => c <= 0xFF) => s.Select(c => (byte)c).ToArray(), // Python 2 str
            _ => throw ctx.Error("numpy scalar data must be bytes"),
        };
        if (bytes.Length != dt.DType.Size()) throw ctx.Error($"numpy scalar of {dt} needs {dt.DType.Size()} bytes, found {bytes.Length}");
        return dt.Scalar(bytes);
    }

    /// <summary>numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b'): an empty array awaiting its BUILD state.</summary>
    public static NumpyArray Reconstruct(PyTuple args, Unpickler ctx)
    {
        if (args.Count != 3 || args[0] is not PyGlobal { FullName: "numpy.ndarray" })
            throw ctx.Error("numpy _reconstruct is supported only for numpy.ndarray");
        return new NumpyArray();
    }

    /// <summary>ndarray state: ([version,] shape, dtype, is_fortran, raw bytes).</summary>
    public static void SetArrayState(NumpyArray a, object? state, Unpickler ctx)
    {
        if (state is not PyTuple { Count: 4 or 5 } t) throw ctx.Error("unexpected numpy array state");
        int o = t.Count - 4;
        if (t[o] is not PyTuple shape || t[o + 1] is not NumpyDType dt || t[o + 2] is not bool fortran)
            throw ctx.Error("numpy array state must be (shape, dtype, is_fortran, data)");
        if (t[o + 3] is not byte[] data) throw ctx.Error("numpy arrays of Python objects are not supported");
        var dims = new int[shape.Count];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (shape[i] is not long d || d < 0 || d > int.MaxValue) throw ctx.Error("numpy array dimensions must be non-negative integers");
            dims[i] = (int)d;
            count = count > long.MaxValue / Math.Max(1, d) ? -1 : count * d;
            if (count < 0) throw ctx.Error("numpy array size overflows");
        }
        if (count > long.MaxValue / dt.DType.Size() || count * dt.DType.Size() != data.LongLength)
            throw ctx.Error($"numpy array of shape ({string.Join(", ", dims)}) and {dt} does not match its {data.Length} data bytes");
        a.Shape = dims;
        a.DType = dt;
        a.FortranOrder = fortran;
        a.Data = data;
    }
}
