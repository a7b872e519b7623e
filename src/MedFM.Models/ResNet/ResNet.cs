using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.ResNet;

/// <summary>
/// torchvision's ResNet (pytorch/vision, torchvision/models/resnet.py, ResNet) with its state-dict keys: conv1, bn1,
/// maxpool, layer1..layer4 of <see cref="ResNetBlock"/>s, global average pooling and the fc classifier.
/// Contrastive CXR encoders (MoCo-CXR and others) publish these keys, often under a wrapper prefix.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> fc;
    private readonly MaxPool2d maxpool;
    private readonly AdaptiveAvgPool2d avgpool;

    public ResNet(ResNetConfig config)
    {
        config.Validate();
        Config = config;
        Conv1 = Register("conv1", new Conv2d(config.InChans, config.StemWidth, 7, stride: 2, padding: 3, bias: false));
        Bn1 = Register("bn1", new BatchNorm2d(config.StemWidth));
        maxpool = Register("maxpool", new MaxPool2d(3, stride: 2, padding: 1));
        int inplanes = config.StemWidth;
        var stages = new List<Sequential>();
        for (int s = 0; s < 4; s++)
        {
            var layer = new Sequential();
            for (int b = 0; b < config.Layers[s]; b++)
            {
                int stride = s > 0 && b == 0 ? 2 : 1;
                layer.Add(new ResNetBlock(config.Block == "bottleneck", inplanes, config.Widths[s], stride));
                inplanes = config.Widths[s] * config.Expansion;
            }
            stages.Add(Register($"layer{s + 1}", layer));
        }
        Stages = stages;
        avgpool = Register("avgpool", new AdaptiveAvgPool2d(1));
        fc = Register<Module<Tensor, Tensor>>("fc", config.NumClasses > 0 ? new Linear(inplanes, config.NumClasses) : new Identity());
    }

    public ResNetConfig Config { get; }

    public Conv2d Conv1 { get; }

    public BatchNorm2d Bn1 { get; }

    public IReadOnlyList<Sequential> Stages { get; }

    public int NumFeatures => Config.NumFeatures;

    /// <summary>Images [B, C, H, W] → logits [B, classes] (pooled features when there is no head).</summary>
    public override Tensor Forward(Tensor images) => fc.Forward(Embed(images));

    /// <summary>Images → globally average-pooled features [B, NumFeatures] (the input of fc).</summary>
    public Tensor Embed(Tensor images, Action<int, Tensor>? onStage = null)
    {
        if (images.Rank != 4 || images.Size(1) != Config.InChans)
            throw new TensorShapeException("resnet", $"expects images [B, {Config.InChans}, H, W], got {ShapeUtil.Format(images.Shape)}");
        var x = Bn1.Forward(Conv1.Forward(images)).Relu();                                  // [B, 64, H/2, W/2]
        x = maxpool.Forward(x);                                                             // [B, 64, H/4, W/4]
        for (int s = 0; s < Stages.Count; s++)
        {
            x = Stages[s].Forward(x);                                                       // [B, C_s, H/2^(s+2), W/2^(s+2)]
            onStage?.Invoke(s, x);
        }
        return avgpool.Forward(x).Flatten(1);                                               // [B, C]
    }
}
