import SelfAssembleData

/// The data readers: IDX files (gzipped or not), gzip itself, CSV files, and a directory of
/// the four MNIST-format files. Each input reaches the readers the way a user's file does:
/// through a file on disk where the loader takes a path.
enum DataTargets {
    static let idx = FuzzTarget(
        name: "idx", reads: "one IDX file, gzipped or not, as images, as labels and as any unsigned-byte array (IDXReader)",
        corpus: ["Fuzz/corpus/idx"]
    ) { input, probe in
        let path = try probe.scratch.write(input, to: "input-idx")
        try probe.check("IDXReader.readImages", accepting: [DataError.self]) { try IDXReader.readImages(path: path) }
        try probe.check("IDXReader.readLabels", accepting: [DataError.self]) { try IDXReader.readLabels(path: path) }
        try probe.check("IDXReader.parse", accepting: [DataError.self]) { try IDXReader.parse(input, source: "input") }
    }

    static let gzip = FuzzTarget(
        name: "gzip", reads: "gzip data (Gzip.decompress, as every data file is un-gzipped)",
        corpus: ["Fuzz/corpus/gzip"]
    ) { input, probe in
        try probe.check("Gzip.decompress", accepting: [DataError.self]) { try Gzip.decompress(input, source: "input.gz") }
    }

    static let csv = FuzzTarget(
        name: "csv", reads: "a CSV data file, gzipped or not, parsed and split into train and test (DataLoader.load, CSVReader)",
        corpus: ["Fuzz/corpus/csv"]
    ) { input, probe in
        let path = try probe.scratch.write(input, to: "input.csv")
        try probe.check("DataLoader.load (CSV)", accepting: [DataError.self]) {
            try DataLoader.load(path: path, testFraction: 0.25, seed: 1)
        }
    }

    /// The four files of an MNIST-format directory, separated in the input by ``FuzzInputParts/separator``;
    /// a part left out leaves its file out.
    static let idxDirectory = FuzzTarget(
        name: "idx-directory", reads: "a directory of the four MNIST-format IDX files, checked against each other (DataLoader.load)",
        corpus: ["Fuzz/corpus/idx-directory"]
    ) { input, probe in
        let directory = try probe.scratch.directory("input-idx-directory")
        let parts = FuzzInputParts.split(input)
        for (index, name) in DataLoader.idxFileNames.enumerated() {
            if index < parts.count {
                try probe.scratch.write(parts[index], to: "input-idx-directory/" + name)
            } else {
                probe.scratch.remove("input-idx-directory/" + name)
            }
        }
        try probe.check("DataLoader.load (IDX directory)", accepting: [DataError.self]) {
            try DataLoader.load(path: directory, testFraction: 0.25, seed: 1)
        }
    }
}

/// Inputs that stand for several files: the parts are joined by a separator line that no
/// file of the corpus contains, so that mutations can move bytes between files, drop a file
/// or add one.
public enum FuzzInputParts {
    public static let separator = Array("\n--selfassemble-fuzz-next-file--\n".utf8)

    public static func split(_ input: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + separator.count <= input.count {
            if input[i ..< i + separator.count].elementsEqual(separator) {
                parts.append(Array(input[start ..< i]))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(Array(input[start...]))
        return parts
    }

    public static func join(_ parts: [[UInt8]]) -> [UInt8] {
        Array(parts.joined(separator: separator))
    }
}
