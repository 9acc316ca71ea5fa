namespace GroupNet.Cli;

/// <summary>Writes a folder's content into a temporary sibling, then swaps it in, so a failure
/// leaves the previous output intact.</summary>
public static class AtomicFolder
{
    public static T Write<T>(string target, Func<string, T> write)
    {
        string full = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
        string old = Path.Combine(parent, $".{Path.GetFileName(full)}.old-{Environment.ProcessId}");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }
        Directory.CreateDirectory(temp);
        T result;
        try
        {
            result = write(temp);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
        if (Directory.Exists(full))
        {
            Directory.Move(full, old);
        }
        Directory.Move(temp, full);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
        return result;
    }
}
