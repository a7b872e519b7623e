namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>A typed PyTorch storage from a persistent id: the bytes and the element type of the tensors over them.</summary>
internal sealed record TorchStorage(CheckpointStorage Storage, CheckpointDType DType);

/// <summary>
/// The tensor rebuild functions of torch/_utils.py and torch/_tensor.py, evaluated as data:
/// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) and friends
/// become a <see cref="CheckpointTensor"/> over the storage, checked to lie inside it.
/// </summary>
internal static class TorchRebuild
{
    public static object Call(PyGlobal g, PyTuple args, Unpickler ctx)
    {
        switch (g.Name)
        {
            case "_rebuild_tensor" when args.Count == 4:
                return Tensor(args, ctx);
            case "_rebuild_tensor_v2" when args.Count is 6 or 7:
                return Tensor(args, ctx) with { RequiresGrad = args[4] is true };
            case "_rebuild_parameter" when args.Count == 3:
            case "_rebuild_parameter_with_state" when args.Count == 4:
                if (args[0] is not CheckpointTensor data) throw ctx.Error($"{g.Name} expects a tensor, found {Unpickler.TypeName(args[0])}");
                return data with { RequiresGrad = args[1] is true };
            case "_rebuild_from_type_v2" when args.Count == 4:
                return FromType(args, ctx);
            default:
                throw ctx.Error($"{g.FullName} called with {args.Count} arguments, which this reader does not support");
        }
    }

    /// <summary>_rebuild_from_type_v2(func, new_type, args, state): allowed only for plain tensors and parameters.</summary>
    private static object FromType(PyTuple args, Unpickler ctx)
    {
        if (args[0] is not PyGlobal { Module: "torch._utils" } func)
            throw ctx.Error("_rebuild_from_type_v2 wraps a function that is not a tensor rebuild");
        if (args[1] is not PyGlobal { FullName: "torch.Tensor" or "torch.nn.parameter.Parameter" })
            throw ctx.Error($"_rebuild_from_type_v2 for type {Unpickler.TypeName(args[1])} (tensor subclasses are not supported)");
        return Call(func, ctx.AsTuple(args[2], "_rebuild_from_type_v2 arguments"), ctx);
    }

    private static CheckpointTensor Tensor(PyTuple args, Unpickler ctx)
    {
        if (args[0] is not TorchStorage storage) throw ctx.Error($"tensor rebuild expects a storage, found {Unpickler.TypeName(args[0])}");
        if (args[1] is not long offset) throw ctx.Error("tensor storage offset must be an integer");
        var size = Ints(args[2], "size", ctx);
        var stride = Ints(args[3], "stride", ctx);
        if (size.Length != stride.Length) throw ctx.Error($"tensor size has {size.Length} dimensions, stride {stride.Length}");
        var shape = new int[size.Length];
        for (int i = 0; i < shape.Length; i++)
            shape[i] = size[i] is >= 0 and <= int.MaxValue ? (int)size[i] : throw ctx.Error($"tensor dimension {size[i]} is out of range");
        var problem = CheckpointTensor.CheckView(storage.DType, shape, stride, offset, storage.Storage.ByteLength);
        if (problem is not null) throw ctx.Error($"{problem} (storage '{storage.Storage.Entry}')");
        return new CheckpointTensor("", storage.DType, shape, stride, offset, storage.Storage);
    }

    private static long[] Ints(object? v, string what, Unpickler ctx)
    {
        if (v is not PyTuple t) throw ctx.Error($"tensor {what} must be a tuple, found {Unpickler.TypeName(v)}");
        if (t.Count > CheckpointTensor.MaxRank) throw ctx.Error($"tensor {what} has {t.Count} dimensions (limit {CheckpointTensor.MaxRank})");
        var r = new long[t.Count];
        for (int i = 0; i < r.Length; i++) r[i] = t[i] as long? ?? throw ctx.Error($"tensor {what} must hold integers");
        return r;
    }
}
