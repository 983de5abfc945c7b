#if LIBFUZZER
import Foundation
import SelfAssembleFuzz

// The entry points libFuzzer calls when the driver is built with -sanitize=fuzzer (and
// -DLIBFUZZER): libFuzzer's own main parses its options, ignores `--target=NAME` (it ignores
// every flag that starts with `--`) and calls these. See docs/fuzzing.md.

nonisolated(unsafe) private var target: FuzzTarget?
nonisolated(unsafe) private var scratch: FuzzScratch?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
    guard let argument = CommandLine.arguments.first(where: { $0.hasPrefix("--target=") }) else {
        FileHandle.standardError.write(Data("selfassemble-fuzz: give --target=NAME, one of \(names)\n".utf8))
        exit(2)
    }
    let name = String(argument.dropFirst("--target=".count))
    guard let chosen = FuzzTargets.named(name) else {
        FileHandle.standardError.write(Data("selfassemble-fuzz: no target '\(name)'; one of \(names)\n".utf8))
        exit(2)
    }
    do {
        scratch = try FuzzScratch()
    } catch {
        FileHandle.standardError.write(Data("selfassemble-fuzz: cannot create a scratch directory: \(error)\n".utf8))
        exit(2)
    }
    target = chosen
    return 0
}

/// A broken property is reported like a crash (abort), so that libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target, let scratch else { return 0 }
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if case .failed(let description) = target.run(input, in: scratch) {
        FileHandle.standardError.write(Data("selfassemble-fuzz: \(target.name): \(description)\n".utf8))
        abort()
    }
    return 0
}
#endif
