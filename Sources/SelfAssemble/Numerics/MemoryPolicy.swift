#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats the matrices a step allocates and frees.
///
/// Every step allocates its activity and updates anew (B x n and n x m matrices, up to tens of
/// megabytes) and frees them at its end. glibc's malloc serves blocks above a threshold
/// (128 KiB, raised dynamically as mapped blocks are freed) with fresh memory maps and returns
/// the top of its heap to the system when more than 128 KiB are free there, so depending on
/// the order of allocations a step may map, fault in and unmap its matrices every time:
/// measured on the MNIST shape (784, 256, 256, 10; batch 32), 887 page faults and a third of the
/// step's time, and which way it goes changed with an unrelated change of the step.
/// ``reuseFreedMemory()`` makes the heap keep such blocks for the next step instead.
public enum MemoryPolicy {
    /// Blocks up to 64 MiB come from the heap, and up to 128 MiB of free heap stay with the
    /// process. Process-wide: `selfassemble` and the benchmarks call it once at start; a
    /// program that embeds the engine decides for itself. No effect outside glibc.
    public static func reuseFreedMemory() {
        #if canImport(Glibc)
        // glibc's mallopt is not imported into Swift: looked up by name (absent: no glibc, no change).
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(mmapThreshold, 64 << 20)
        _ = mallopt(trimThreshold, 128 << 20)
        #endif
    }

    // The parameters of mallopt (glibc's malloc.h).
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3
}
