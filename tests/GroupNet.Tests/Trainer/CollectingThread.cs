namespace GroupNet.Tests.Trainer;

/// <summary>A thread that loops generation-0 collections and finalizer runs until disposed: it finalizes every
/// unreferenced native scalar within microseconds, which is how TorchSharp's temporaries get freed mid-call.</summary>
internal sealed class CollectingThread : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public CollectingThread()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
            }
        });
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
