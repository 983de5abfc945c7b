import Foundation

/// Writes a report into a directory: report.md, report.json and the SVG figures beside them.
/// The only file output of the library; the analysis and the renderers touch no files.
public enum ReportDirectory {
    /// Writes every file and returns their paths (report.md first). Creates the directory
    /// (and its parents) when needed; replaces files of the same names.
    @discardableResult
    public static func write(_ report: MotifReport, to directory: String) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ReportError("--out \(directory) is a file, not a directory: give a directory for report.md, report.json and the figures")
            }
        } else {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ReportError("cannot create the report directory \(directory) (\(error.localizedDescription)): choose a writable --out directory")
            }
        }
        let figures = ReportFigures.make(report)
        var files: [(String, Data)] = [
            ("report.md", Data(MarkdownRenderer.render(report, figures: figures).utf8)),
            ("report.json", try ReportJSON.encode(report) + Data("\n".utf8)),
        ]
        files += figures.map { ($0.fileName, Data($0.svg.utf8)) }
        var written = [String]()
        for (name, data) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ReportError("cannot write \(path) (\(error.localizedDescription)): choose a writable --out directory with free space")
            }
            written.append(path)
        }
        return written
    }
}
