#if !LIBFUZZER
import Foundation
import SelfAssembleFuzz

/// `selfassemble-fuzz` as an ordinary program (the build without -sanitize=fuzzer):
///
///     selfassemble-fuzz list                          the targets and what they read
///     selfassemble-fuzz TARGET FILE...                each file once through TARGET (reproduces a crash)
///     selfassemble-fuzz TARGET --seeded N [--seed S] [--failures DIR]
///                                                     the seeds and N mutations of them, as the tests
///                                                     do; inputs that break the property go to DIR (.)
///
/// Run from the package root (the corpus directories are relative to it). docs/fuzzing.md
/// says how to build the libFuzzer driver for long runs.
@main
struct SeededEntry {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first, first != "--help", first != "-h" else {
            fail("usage: selfassemble-fuzz list | TARGET FILE... | TARGET --seeded N [--seed S] [--failures DIR]", status: 2)
        }
        if first == "list" {
            for target in FuzzTargets.all { print("\(target.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(target.reads)") }
            return
        }
        guard let target = FuzzTargets.named(first) else {
            fail("no target '\(first)'; one of \(FuzzTargets.all.map(\.name).joined(separator: ", "))", status: 2)
        }
        let scratch: FuzzScratch
        do { scratch = try FuzzScratch() } catch { fail("cannot create a scratch directory: \(error)", status: 2) }
        defer { scratch.remove() }
        let rest = Array(arguments.dropFirst())
        if rest.first == "--seeded" {
            guard rest.count >= 2, let mutations = Int(rest[1]), mutations >= 0 else { fail("--seeded needs a number of inputs", status: 2) }
            var seed: UInt64 = 1
            if let at = rest.firstIndex(of: "--seed") {
                guard at + 1 < rest.count, let value = UInt64(rest[at + 1]) else { fail("--seed needs a number", status: 2) }
                seed = value
            }
            var failures = "."
            if let at = rest.firstIndex(of: "--failures") {
                guard at + 1 < rest.count else { fail("--failures needs a directory", status: 2) }
                failures = rest[at + 1]
            }
            seeded(target, mutations: mutations, seed: seed, failures: failures, scratch: scratch)
        } else {
            replay(target, files: rest, scratch: scratch)
        }
    }

    static func seeded(_ target: FuzzTarget, mutations: Int, seed: UInt64, failures: String, scratch: FuzzScratch) {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let corpus: FuzzCorpus
        do { corpus = try FuzzCorpus(target: target, root: root) } catch {
            fail("cannot read the corpus of \(target.name) (\(target.corpus.joined(separator: ", "))) under \(root.path): \(error); run from the package root", status: 2)
        }
        // Each input is saved before it runs, so that one that kills the process can be replayed.
        let current = scratch.path("current-input")
        FileHandle.standardError.write(Data("selfassemble-fuzz: \(target.name): the input running is saved in \(current) (kept if the process crashes)\n".utf8))
        // Rewritten in place through one open descriptor: no file is created or closed per
        // input, which costs little even when other processes keep the disk busy.
        let descriptor = open(current, O_RDWR | O_CREAT, 0o644)
        defer { close(descriptor) }
        let summary = SeededRun(target: target, corpus: corpus, seed: seed).run(mutations: mutations, in: scratch) { _, input in
            _ = input.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            _ = ftruncate(descriptor, off_t(input.count))
        }
        for failure in summary.failures {
            let file = (failures as NSString).appendingPathComponent("failure-\(target.name)-\(failure.index)")
            _ = FileManager.default.createFile(atPath: file, contents: Data(failure.input))
            print("input \(failure.index) (saved as \(file)): \(failure.description)")
        }
        print(summary.line)
        if !summary.failures.isEmpty { exit(1) }
    }

    static func replay(_ target: FuzzTarget, files: [String], scratch: FuzzScratch) {
        guard !files.isEmpty else { fail("give the files to run through \(target.name)", status: 2) }
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)", status: 2) }
            let outcome = target.run([UInt8](data), in: scratch)
            switch outcome {
            case .read(let reader): print("\(file): read (\(reader) returned a value)")
            case .rejected(let message): print("\(file): rejected: \(message)")
            case .failed(let description): print("\(file): FAILED: \(description)"); failed = true
            }
        }
        if failed { exit(1) }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("selfassemble-fuzz: \(message)\n".utf8))
        exit(status)
    }
}
#endif
