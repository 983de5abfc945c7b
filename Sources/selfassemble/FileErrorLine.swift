import Foundation

/// Foundation's file errors (a definition or table that could not be written) as one line in
/// the system's words, naming the file and the fix, instead of NSError's dump ("Error
/// Domain=NSCocoaErrorDomain Code=640 ... UserInfo={...}").
enum FileErrorLine {
    /// The line for a Foundation file error; nil for any other error.
    static func line(for error: Error) -> String? {
        let error = error as NSError
        guard error.domain == NSCocoaErrorDomain, let path = error.userInfo[NSFilePathErrorKey] as? String
            ?? (error.userInfo[NSURLErrorKey] as? URL)?.path else { return nil }
        let posix = (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        let directory = (path as NSString).deletingLastPathComponent
        if posix == ENOSPC || error.code == CocoaError.fileWriteOutOfSpace.rawValue {
            return "no space left on the device holding \(directory.isEmpty ? "." : directory): \(path) could not be written; free some space there, or choose an --out on another disk"
        }
        let reason = posix.map { String(cString: strerror($0)) } ?? error.localizedDescription
        // Cocoa numbers reading errors 256-511 and writing errors 512 and up.
        let reading = error.code < CocoaError.fileWriteUnknown.rawValue
        return "cannot \(reading ? "read" : "write") \(path) (\(reason.prefix(1).lowercased() + reason.dropFirst())): check the path and its directory's permissions and free space"
    }
}
