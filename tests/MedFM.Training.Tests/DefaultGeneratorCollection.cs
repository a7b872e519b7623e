using Xunit;

namespace MedFM.Training.Tests;

/// <summary>
/// Tests that seed and draw from the process-wide default generator (Generator.ManualSeed, modules built without
/// an explicit generator, dropout) share this collection so they never run at the same time: another test's draws
/// in between would change their random streams.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DefaultGeneratorCollection
{
    public const string Name = "default generator";
}
