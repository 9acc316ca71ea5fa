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
            Swap(full, temp, old);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
        return result;
    }

    /// <summary>Moves the previous folder aside and the new one in; if the second move fails, the previous
    /// folder goes back to its name (two renames: no moment where a crash loses both).</summary>
    private static void Swap(string full, string temp, string old)
    {
        bool hadPrevious = Directory.Exists(full);
        if (hadPrevious)
        {
            Directory.Move(full, old);
        }
        try
        {
            Directory.Move(temp, full);
        }
        catch when (hadPrevious)
        {
            Directory.Move(old, full);
            throw;
        }
    }
}
