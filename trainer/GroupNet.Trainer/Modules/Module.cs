using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Base of every layer (PyTorch's <c>nn.Module</c>): parameters, buffers and sub-modules are registered
/// explicitly by name in the constructor (no reflection), in a stable order. Qualified names join the path
/// with dots, e.g. <c>Groups.1.Bases.0.Conv1.Weight</c>.
/// </summary>
public abstract class Module
{
    private readonly List<KeyValuePair<string, Parameter>> _parameters = new();
    private readonly List<KeyValuePair<string, Tensor>> _buffers = new();
    private readonly List<KeyValuePair<string, Module>> _modules = new();
    private readonly HashSet<Tensor> _optionalBuffers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a module bound to <paramref name="context"/> (threads, buffers, random generator).</summary>
    protected Module(TrainingContext context)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
    }

    /// <summary>The context this module runs in.</summary>
    public TrainingContext Context { get; }

    /// <summary>True in training mode (batch statistics, running-stat updates), false in eval mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers a learnable parameter under <paramref name="name"/>.</summary>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        CheckName(name);
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Registers a non-learnable state tensor (e.g. running statistics) under <paramref name="name"/>.
    /// An <paramref name="optional"/> buffer may be absent from a state dict loaded strictly (it keeps its
    /// value): state added after checkpoints were written, which those checkpoints still load without.</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer, bool optional = false)
    {
        CheckName(name);
        _buffers.Add(new(name, buffer));
        if (optional)
        {
            _optionalBuffers.Add(buffer);
        }
        return buffer;
    }

    /// <summary>Whether <paramref name="tensor"/> is an optional buffer of this module or a descendant.</summary>
    private bool IsOptionalBuffer(Tensor tensor) => Modules().Any(m => m._optionalBuffers.Contains(tensor));

    /// <summary>Registers a sub-module under <paramref name="name"/>; null is allowed and registers nothing.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module?
    {
        CheckName(name);
        if (module is not null)
        {
            _modules.Add(new(name, module));
        }
        return module;
    }

    /// <summary>Direct sub-modules with their names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _modules;

    /// <summary>All parameters, depth first in registration order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>All parameters with qualified names.</summary>
    public IEnumerable<KeyValuePair<string, Parameter>> NamedParameters(string prefix = "")
    {
        foreach (var p in _parameters)
        {
            yield return new(prefix + p.Key, p.Value);
        }
        foreach (var m in _modules)
        {
            foreach (var p in m.Value.NamedParameters(prefix + m.Key + "."))
            {
                yield return p;
            }
        }
    }

    /// <summary>All buffers with qualified names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(string prefix = "")
    {
        foreach (var b in _buffers)
        {
            yield return new(prefix + b.Key, b.Value);
        }
        foreach (var m in _modules)
        {
            foreach (var b in m.Value.NamedBuffers(prefix + m.Key + "."))
            {
                yield return b;
            }
        }
    }

    /// <summary>This module and every descendant, depth first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var m in _modules)
        {
            foreach (var d in m.Value.Modules())
            {
                yield return d;
            }
        }
    }

    /// <summary>Sets training mode on this module and all descendants; returns this.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules())
        {
            m.Training = mode;
        }
        return this;
    }

    /// <summary>Sets eval mode (same as <c>Train(false)</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes every parameter gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.ZeroGrad();
        }
    }

    /// <summary>Parameters then buffers, by qualified name (the tensors themselves, not copies).</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        foreach (var p in NamedParameters())
        {
            list.Add(new(p.Key, p.Value));
        }
        list.AddRange(NamedBuffers());
        return list;
    }

    /// <summary>
    /// Copies values into this module's parameters and buffers by name. With <paramref name="strict"/>,
    /// missing or unexpected names throw; shapes must always match.
    /// </summary>
    public void LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> state, bool strict = true)
    {
        var own = StateDict().ToDictionary(e => e.Key, e => e.Value);
        var seen = new HashSet<string>();
        foreach (var (name, source) in state)
        {
            if (!own.TryGetValue(name, out var target))
            {
                if (strict)
                {
                    throw new KeyNotFoundException($"state dict has unexpected entry '{name}'");
                }
                continue;
            }
            if (!target.Shape.SequenceEqual(source.Shape))
            {
                throw new ArgumentException($"state dict entry '{name}': shape [{string.Join(", ", source.ShapeArray())}] != [{string.Join(", ", target.ShapeArray())}]");
            }
            Array.Copy(source.Data, target.Data, target.Count);
            seen.Add(name);
        }
        if (strict && seen.Count != own.Count)
        {
            var missing = own.Where(e => !seen.Contains(e.Key) && !IsOptionalBuffer(e.Value)).Select(e => e.Key).ToList();
            if (missing.Count > 0)
            {
                throw new KeyNotFoundException($"state dict is missing {missing.Count} entries, first '{missing[0]}'");
            }
        }
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"invalid member name '{name}'", nameof(name));
        }
        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Key == name) || _modules.Any(m => m.Key == name))
        {
            throw new ArgumentException($"member '{name}' registered twice", nameof(name));
        }
    }
}
