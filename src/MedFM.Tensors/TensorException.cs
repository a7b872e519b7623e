namespace MedFM.Tensors;

/// <summary>Base of every error the tensor engine raises: it always names the operation.</summary>
public class TensorException : Exception
{
    public TensorException(string op, string message) : base($"{op}: {message}") => Op = op;

    /// <summary>The operation that failed, e.g. "add" or "matmul".</summary>
    public string Op { get; }
}

/// <summary>Shapes that do not fit the operation (broadcast, matmul, reshape, cat, ...). The message lists the shapes.</summary>
public sealed class TensorShapeException : TensorException
{
    public TensorShapeException(string op, string message) : base(op, message) { }
}

/// <summary>A dimension index out of range for the tensor's rank.</summary>
public sealed class TensorAxisException : TensorException
{
    public TensorAxisException(string op, string message) : base(op, message) { }
}

/// <summary>An element type the operation does not accept (e.g. matmul on int64, indices given as float).</summary>
public sealed class TensorDTypeException : TensorException
{
    public TensorDTypeException(string op, string message) : base(op, message) { }
}

/// <summary>A tensor whose storage went back to its scope's pool was used after the scope ended.</summary>
public sealed class TensorReleasedException : TensorException
{
    public TensorReleasedException(string op)
        : base(op, "the tensor's storage was released when its TensorScope ended; call scope.Keep(t) for results that outlive the scope") { }
}

/// <summary>Autograd misuse: backward on a non-scalar without a gradient, on a tensor that does not require grad, ...</summary>
public sealed class AutogradException : TensorException
{
    public AutogradException(string op, string message) : base(op, message) { }
}
