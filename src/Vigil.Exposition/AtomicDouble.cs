namespace Vigil.Exposition;

/// <summary>Lock-free add on a double kept as its 64-bit pattern (there is no Interlocked.Add for double).</summary>
internal static class AtomicDouble
{
    public static void Add(ref long bits, double amount)
    {
        var current = Volatile.Read(ref bits);
        while (true)
        {
            var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + amount);
            var seen = Interlocked.CompareExchange(ref bits, updated, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
