import Foundation

/// Writes a report into a directory: report.md, report.json and the SVG figures beside them.
/// The only file output of the library; the analysis and the renderers touch no files.
public enum ReportDirectory {
    /// Writes every file and returns their paths (report.md first). Creates the directory
    /// (and its parents) when needed; replaces an older report in it: its files of the same
    /// names, and then its figures this report does not have (a deeper circuit's levels).
    /// Anything else in the directory is kept.
    @discardableResult
    public static func write(_ report: MotifReport, to directory: String) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        // The directories this call creates (the missing ones of `directory`'s path, deepest
        // last): a report that fails removes them again, so a failure leaves nothing behind.
        var created = [String]()
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ReportError("--out \(directory) is a file, not a directory: give a directory for report.md, report.json and the figures")
            }
        } else {
            created = missingDirectories(of: directory)
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                removeEmpty(created)
                throw ReportError("cannot create the report directory \(directory) (\(reason(error))): choose a writable --out directory")
            }
        }
        let figures = ReportFigures.make(report)
        var files: [(String, Data)] = [
            ("report.md", Data(MarkdownRenderer.render(report, figures: figures).utf8)),
            ("report.json", try ReportJSON.encode(report) + Data("\n".utf8)),
        ]
        files += figures.map { ($0.fileName, Data($0.svg.utf8)) }
        // Every file is written under a temporary name first and renamed into place only once
        // all are written: a full disk leaves the directory as it was, not a report.md whose
        // figures are missing.
        var staged = [(temporary: String, path: String)]()
        do {
            for (name, data) in files {
                let path = (directory as NSString).appendingPathComponent(name)
                let temporary = (directory as NSString).appendingPathComponent(".\(name).partial-\(UUID().uuidString.prefix(8))")
                staged.append((temporary, path))
                do {
                    try data.write(to: URL(fileURLWithPath: temporary))
                } catch {
                    throw ReportError("cannot write \(path) (\(reason(error))): choose a writable --out directory with free space; nothing of the report was written")
                }
            }
            for file in staged where rename(file.temporary, file.path) != 0 {
                throw ReportError("cannot write \(file.path) (\(String(cString: strerror(errno)))): choose a writable --out directory")
            }
            removeStaleFigures(in: directory, keeping: Set(files.map(\.0)))
        } catch {
            for file in staged { try? manager.removeItem(atPath: file.temporary) }
            removeEmpty(created)
            throw error
        }
        return staged.map(\.path)
    }

    /// Removes the figures of an older report that this one did not write (only once the new
    /// report is whole: a report that fails leaves the older one as it was).
    static func removeStaleFigures(in directory: String, keeping written: Set<String>) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where ReportFigures.isFigureName(name) && !written.contains(name) {
            unlink((directory as NSString).appendingPathComponent(name))
        }
    }

    /// `directory` and its ancestors that do not exist, outermost first.
    static func missingDirectories(of directory: String) -> [String] {
        var missing = [String](), path = (directory as NSString).standardizingPath
        while !path.isEmpty && path != "/" && path != "." && !FileManager.default.fileExists(atPath: path) {
            missing.insert(path, at: 0)
            let parent = (path as NSString).deletingLastPathComponent
            if parent == path { break }
            path = parent
        }
        return missing
    }

    /// Removes `directories` deepest first, each only if empty (rmdir): nothing a user put
    /// there meanwhile is lost.
    static func removeEmpty(_ directories: [String]) {
        for directory in directories.reversed() { rmdir(directory) }
    }

    /// The system's reason for a failed file operation ("No space left on device"), not
    /// Foundation's paraphrase of it.
    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix = underlying, posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        guard let cocoa = error as? CocoaError else { return error.localizedDescription }
        switch cocoa.code {
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        default: return error.localizedDescription
        }
    }
}
