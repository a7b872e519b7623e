using MedFM.Models.Vit;
using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// open_clip's timm image tower (mlfoundations/open_clip, src/open_clip/timm_model.py, TimmModel) for ViT trunks:
/// trunk = timm VisionTransformer without classifier (keys trunk.*), head = dropout + Linear to the embedding
/// (key head.proj.weight, bias when timm_proj_bias). With timm_proj "none" the trunk's own classifier of width
/// embed_dim is the projection and the head is empty. BiomedCLIP's image tower is vit_base_patch16_224 this way.
/// </summary>
public sealed class TimmVisionTower : ClipImageTower
{
    public TimmVisionTower(ClipVisionConfig config, int outputDim)
    {
        var vit = config.TimmVit ?? throw new ModelConfigException($"timm tower: model '{config.TimmModelName}' has no known architecture");
        Config = config;
        bool linear = config.TimmProj == "linear";
        Trunk = Register("trunk", new VisionTransformer(vit with { NumClasses = linear ? 0 : outputDim }));
        Head = Register("head", new TimmProjectionHead(linear ? new Linear(Trunk.NumFeatures, outputDim, config.TimmProjBias) : null));
        OutputDim = outputDim;
    }

    public ClipVisionConfig Config { get; }

    public VisionTransformer Trunk { get; }

    public TimmProjectionHead Head { get; }

    public override int OutputDim { get; }

    public override int ImageSize => Config.ImageSize;

    public override Tensor Encode(Tensor images) => Head.Forward(Trunk.Forward(images));   // [B, E]
}

/// <summary>open_clip TimmModel's head: nn.Sequential(drop, proj), or empty.</summary>
public sealed class TimmProjectionHead : Module<Tensor, Tensor>
{
    public TimmProjectionHead(Linear? proj)
    {
        if (proj is not null) Proj = Register("proj", proj);
    }

    public Linear? Proj { get; }

    public override Tensor Forward(Tensor x) => Proj is null ? x : Proj.Forward(x);
}
