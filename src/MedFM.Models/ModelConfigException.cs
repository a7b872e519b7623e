namespace MedFM.Models;

/// <summary>A model configuration that cannot describe a valid network (names the model and the field).</summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string message) : base(message) { }
}
