using System.Text;
using MedFM.Tensors;

namespace MedFM.NN;

/// <summary>
/// Tree conveniences on top of the registration core: Apply, PyTorch-style repr, parameter filters, freezing by
/// name prefix, look-up by dotted path and a parameter summary.
/// </summary>
public abstract partial class Module
{
    /// <summary>Calls fn on every descendant (children first, depth-first) and then on this module, as torch's apply.</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var (_, child) in children) child.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>The name shown by ToString(): the class name without generic arity (e.g. "ModuleList").</summary>
    protected virtual string TypeName
    {
        get
        {
            var n = GetType().Name;
            int tick = n.IndexOf('`');
            return tick < 0 ? n : n[..tick];
        }
    }

    /// <summary>The one-line description inside the parentheses of the repr, as torch's extra_repr ("" for none).</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>The module tree printed exactly as PyTorch's repr (extra_repr lines, then "(name): child" lines).</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var extraLines = extra.Length == 0 ? Array.Empty<string>() : extra.Split('\n');
        var lines = new List<string>(extraLines);
        foreach (var (name, child) in children)
            lines.Add("(" + name + "): " + Indent(child.ToString(), 2));
        var sb = new StringBuilder(TypeName).Append('(');
        if (lines.Count > 0)
        {
            if (extraLines.Length == 1 && children.Count == 0) sb.Append(extraLines[0]);
            else sb.Append("\n  ").Append(string.Join("\n  ", lines)).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    private static string Indent(string s, int spaces)
    {
        var parts = s.Split('\n');
        if (parts.Length == 1) return s;
        var pad = new string(' ', spaces);
        for (int i = 1; i < parts.Length; i++) parts[i] = pad + parts[i];
        return string.Join("\n", parts);
    }

    /// <summary>Named parameters for which the predicate holds (e.g. a parameter group's members).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParametersWhere(Func<string, Tensor, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        foreach (var (name, p) in NamedParameters())
            if (predicate(name, p)) yield return (name, p);
    }

    /// <summary>Named parameters that currently require gradients.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> TrainableNamedParameters() => NamedParametersWhere((_, p) => p.RequiresGrad);

    /// <summary>Named parameters whose dotted name starts with any of the prefixes (a whole segment: "blocks.1" does not match "blocks.10").</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParametersWithPrefix(params string[] prefixes) =>
        NamedParametersWhere((n, _) => MatchesAnyPrefix(n, prefixes));

    /// <summary>
    /// Sets requires_grad on the parameters under the given name prefixes (segment-wise) and returns how many were set.
    /// A prefix that matches nothing is an error: a typo must not silently leave a model trainable.
    /// </summary>
    public int SetRequiresGrad(bool value, params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var hits = new int[prefixes.Length];
        int count = 0;
        foreach (var (name, p) in NamedParameters())
        {
            bool any = false;
            for (int i = 0; i < prefixes.Length; i++)
                if (MatchesPrefix(name, prefixes[i])) { hits[i]++; any = true; }
            if (!any) continue;
            p.RequiresGrad = value;
            count++;
        }
        for (int i = 0; i < prefixes.Length; i++)
            if (hits[i] == 0) throw new ArgumentException($"no parameter of {TypeName} is named '{prefixes[i]}' or lies under it", nameof(prefixes));
        return count;
    }

    /// <summary>Freezes (requires_grad = false) the parameters under the prefixes; returns how many.</summary>
    public int FreezePrefixes(params string[] prefixes) => SetRequiresGrad(false, prefixes);

    /// <summary>Unfreezes the parameters under the prefixes; returns how many.</summary>
    public int UnfreezePrefixes(params string[] prefixes) => SetRequiresGrad(true, prefixes);

    /// <summary>The descendant at a dotted path ("" is this module), or a KeyNotFoundException naming the missing segment.</summary>
    public Module GetSubmodule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return this;
        var m = this;
        var walked = "";
        foreach (var seg in path.Split('.'))
        {
            Module? next = null;
            foreach (var (name, child) in m.children) if (name == seg) { next = child; break; }
            m = next ?? throw new KeyNotFoundException($"{m.TypeName} at '{walked}' has no child '{seg}' (looking up '{path}')");
            walked = walked.Length == 0 ? seg : walked + "." + seg;
        }
        return m;
    }

    /// <summary>The parameter or persistent buffer with this state-dict key, or a KeyNotFoundException.</summary>
    public Tensor GetTensor(string key)
    {
        foreach (var (k, t) in StateDict()) if (k == key) return t;
        foreach (var (k, t) in NamedBuffers()) if (k == key) return t;
        throw new KeyNotFoundException($"{TypeName} has no parameter or buffer '{key}'");
    }

    /// <summary>A table of parameters (name, shape, count, trainable) and the totals, for logs.</summary>
    public string ParameterSummary()
    {
        var sb = new StringBuilder();
        long total = 0, trainable = 0;
        foreach (var (name, p) in NamedParameters())
        {
            sb.Append(name).Append(' ').Append(ShapeUtil.Format(p.Shape)).Append(' ').Append(p.Numel)
              .Append(p.RequiresGrad ? "" : " (frozen)").Append('\n');
            total += p.Numel;
            if (p.RequiresGrad) trainable += p.Numel;
        }
        sb.Append($"total {total:N0} parameters, {trainable:N0} trainable");
        return sb.ToString();
    }

    private static bool MatchesAnyPrefix(string name, string[] prefixes)
    {
        foreach (var pre in prefixes) if (MatchesPrefix(name, pre)) return true;
        return false;
    }

    private static bool MatchesPrefix(string name, string prefix) =>
        prefix.Length == 0 || name == prefix || (name.StartsWith(prefix, StringComparison.Ordinal) && (prefix[^1] == '.' || name[prefix.Length] == '.'));
}
