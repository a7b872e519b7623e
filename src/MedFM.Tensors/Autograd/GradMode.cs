namespace MedFM.Tensors.Autograd;

/// <summary>Whether ops record the autograd tape on this thread. <c>using (GradMode.Disable()) { ... }</c> records nothing.</summary>
public static class GradMode
{
    [ThreadStatic] private static int disabledDepth;

    public static bool IsEnabled => disabledDepth == 0;

    public static Guard Disable()
    {
        disabledDepth++;
        return new Guard(true);
    }

    /// <summary>Re-enables recording inside a no-grad region (e.g. a training step run under an inference scope).</summary>
    public static Guard Enable()
    {
        int saved = disabledDepth;
        disabledDepth = 0;
        return new Guard(false, saved);
    }

    public readonly struct Guard : IDisposable
    {
        private readonly bool disabled;
        private readonly int saved;

        internal Guard(bool disabled, int saved = 0)
        {
            this.disabled = disabled;
            this.saved = saved;
        }

        public void Dispose()
        {
            if (disabled) disabledDepth--;
            else disabledDepth = saved;
        }
    }
}
