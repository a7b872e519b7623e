using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.Loading;
using MedFM.Models.Sam;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Models.Tests.Loading;

public class ModuleSafetensorsTests
{
    private static SamModel Model()
    {
        Generator.ManualSeed(11);
        return new SamModel(SamPresets.MedFmTiny);
    }

    [Fact]
    public void Float32_RoundTripsExactly_ThroughTheStrictLoader()
    {
        var model = Model();
        var path = Path.Combine(Path.GetTempPath(), $"medfm-mst-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModuleSafetensors.Save(model, path, metadata: new Dictionary<string, string> { ["preset"] = "medfm_sam_tiny" });
            Assert.Equal("medfm_sam_tiny", SafetensorsFile.ReadHeader(path).Metadata["preset"]);
            var loaded = SamLoader.Load(SamPresets.MedFmTiny, path);
            var expected = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            foreach (var (key, value) in loaded.StateDict())
                Assert.Equal(expected[key], value.ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Float16_StoresEachValueRoundedToHalf()
    {
        var model = Model();
        var path = Path.Combine(Path.GetTempPath(), $"medfm-mst-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModuleSafetensors.Save(model, path, CheckpointDType.F16);
            using var state = CheckpointFile.LoadStateDict(path);
            foreach (var (key, value) in model.StateDict())
            {
                Assert.Equal(CheckpointDType.F16, state[key].DType);
                var want = value.ToArray().Select(v => (float)(Half)v).ToArray();
                Assert.Equal(want, state[key].ToFloat32());
            }
        }
        finally { File.Delete(path); }
    }
}
