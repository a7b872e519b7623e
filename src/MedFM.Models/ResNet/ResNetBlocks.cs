using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.ResNet;

/// <summary>
/// torchvision's residual blocks (torchvision/models/resnet.py BasicBlock and Bottleneck): convolutions without bias,
/// each followed by BatchNorm2d; a "downsample" Sequential(conv1x1, bn) projects the identity when the stride or the
/// width changes.
/// </summary>
public sealed class ResNetBlock : Module<Tensor, Tensor>
{
    private readonly List<(Conv2d Conv, BatchNorm2d Bn)> stages = new();

    public ResNetBlock(bool bottleneck, int inplanes, int planes, int stride)
    {
        int expansion = bottleneck ? 4 : 1;
        if (bottleneck)
        {
            Add(1, new Conv2d(inplanes, planes, 1, bias: false), planes);
            Add(2, new Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false), planes);
            Add(3, new Conv2d(planes, planes * expansion, 1, bias: false), planes * expansion);
        }
        else
        {
            Add(1, new Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false), planes);
            Add(2, new Conv2d(planes, planes, 3, padding: 1, bias: false), planes);
        }
        if (stride != 1 || inplanes != planes * expansion)
            Downsample = Register("downsample", new Sequential(
                new Conv2d(inplanes, planes * expansion, 1, stride: stride, bias: false), new BatchNorm2d(planes * expansion)));
    }

    public Sequential? Downsample { get; }

    public override Tensor Forward(Tensor x)
    {
        var identity = Downsample is null ? x : Downsample.Forward(x);
        var y = x;
        for (int i = 0; i < stages.Count; i++)
        {
            y = stages[i].Bn.Forward(stages[i].Conv.Forward(y));
            if (i < stages.Count - 1) y = y.Relu();
        }
        return y.Add(identity).Relu();
    }

    private void Add(int index, Conv2d conv, int channels)
    {
        var c = Register($"conv{index}", conv);
        var bn = Register($"bn{index}", new BatchNorm2d(channels));
        stages.Add((c, bn));
    }
}
