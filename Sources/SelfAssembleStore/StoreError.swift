import CHDF5

/// Anything that goes wrong while writing or reading a run file, as one line that names the
/// file and, where there is one, the fix. The store never crashes on a bad file or a failed
/// write: every HDF5 failure ends up here.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// HDF5's error stack, read back after a failed call. HDF5's automatic printing is switched
/// off (it would spill a multi-line trace onto the terminal), so the most specific entry of
/// the stack is appended to our own message instead: it often says exactly what happened
/// ("truncated file: eof = ...", "errno = 13, error message = 'Permission denied'").
enum HDF5Diagnostics {
    /// Switches HDF5's own error printing off (and its exit-time cleanup, see the C shim).
    /// Cheap and idempotent; called whenever a file is opened or created and on every call of
    /// the writer (the printing setting is per thread, and the writer runs on a background
    /// thread), so that no code path can reach HDF5 with printing still on.
    static func silence() {
        sa_H5_silence_errors()
    }

    /// The innermost description on the current error stack (nil if the stack is empty),
    /// and clears the stack so the next failure starts afresh.
    static func takeLatest() -> String? {
        final class Collected { var descriptions: [String] = [] }
        let collected = Collected()
        let context = Unmanaged.passRetained(collected)
        defer { context.release() }
        _ = H5Ewalk2(sa_H5E_DEFAULT(), H5E_WALK_UPWARD, { _, entry, client in
            guard let entry, let client, let text = entry.pointee.desc else { return 0 }
            Unmanaged<Collected>.fromOpaque(client).takeUnretainedValue().descriptions.append(String(cString: text))
            return 0
        }, context.toOpaque())
        H5Eclear2(sa_H5E_DEFAULT())
        // Upward: the first entry is where the error was detected, the most specific one.
        return collected.descriptions.first { !$0.isEmpty }
    }

    /// A StoreError whose message is `what`, followed by HDF5's own reason when it has one.
    static func error(_ what: String) -> StoreError {
        if let reason = takeLatest() {
            return StoreError("\(what) (HDF5: \(oneLine(reason)))")
        }
        return StoreError(what)
    }

    /// Messages stay on one line even if HDF5's description contains line breaks.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
