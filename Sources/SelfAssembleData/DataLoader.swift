import Foundation
import SelfAssemble

/// Loading a classification task from files: the one place where data enter the simulator.
///
/// The engine does no file I/O, so the command-line tool hands it the `DataSplit` made here.
public enum DataLoader {
    /// The four files of an MNIST-format directory, in the order train images, train labels,
    /// test images, test labels, under MNIST's names.
    public static let idxFileNames = [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ]

    /// Loads a data set and normalizes its features.
    ///
    /// `path` is either a directory holding MNIST-format IDX files (gzipped or not) named as
    /// MNIST names them: train-images-idx3-ubyte, train-labels-idx1-ubyte,
    /// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally with .gz; the variant
    /// with a dot, train-images.idx3-ubyte, is accepted too), or a CSV file with a header row
    /// and the label in the first column, split into train/test by `testFraction` with `seed`.
    /// For IDX the files fix the split, so `testFraction` and `seed` are not used.
    ///
    /// `normalization` is computed on the training split and applied to both (nil: the data's
    /// default, ``defaultNormalization(path:)``). The labels are checked as
    /// ``DataSplit/checkClasses()`` wants them. Every problem is thrown as a `DataError`.
    public static func load(path: String, testFraction: Double, seed: UInt64, normalization: Normalization? = nil) throws -> DataSplit {
        guard let isDirectory = isDirectory(path) else {
            throw DataError("\(path): does not exist; pass a directory with MNIST-format IDX files or a CSV file")
        }
        return isDirectory
            ? try loadIDX(directory: path, normalization: normalization ?? .pixels)
            : try loadCSV(file: path, testFraction: testFraction, seed: seed, normalization: normalization ?? .zscore)
    }

    /// The normalization of data at `path` when none is asked for: pixels / 255 for a directory
    /// of IDX images (their bytes are intensities on one common scale), z-scores for a CSV file
    /// (whose columns are often measurements in different units), none for the synthetic task
    /// (`path` nil, features generated on a common scale).
    public static func defaultNormalization(path: String?) -> Normalization {
        guard let path else { return .none }
        return isDirectory(path) == true ? .pixels : .zscore
    }

    /// Loads the train and test sets of an MNIST-format directory; each image becomes one row of
    /// rows x cols features, row-major, normalized by `normalization` (pixels: divided by 255).
    public static func loadIDX(directory: String, normalization: Normalization = .pixels) throws -> DataSplit {
        var found: [String] = []
        var missing: [String] = []
        for name in idxFileNames {
            if let file = idxFile(named: name, in: directory) { found.append(file) } else { missing.append(name) }
        }
        guard missing.isEmpty else {
            throw DataError("\(directory): missing MNIST-format IDX file\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (each may end in .gz); put all four of \(idxFileNames.joined(separator: ", ")) there, or pass a CSV file")
        }
        let train = try idxSet(images: found[0], labels: found[1])
        let test = try idxSet(images: found[2], labels: found[3])
        guard train.shape == test.shape else {
            throw DataError("\(found[2]): test images are \(test.shape) but training images (\(found[0])) are \(train.shape); use files from the same data set")
        }
        let classes = max(train.labels.max() ?? 0, test.labels.max() ?? 0) + 1
        let raw = DataSplit(
            train: LabeledData(inputs: train.inputs, labels: train.labels, classes: classes),
            test: LabeledData(inputs: test.inputs, labels: test.labels, classes: classes),
            description: "")
        let split = try prepared(raw, normalization: normalization, source: found[1])
        return with(split, description: "\(lastComponent(directory)) IDX: \(summary(split)) (\(directory))")
    }

    /// Loads a CSV file and splits it: a seeded random `testFraction` of the samples is the test
    /// set; the features are normalized by `normalization`.
    public static func loadCSV(file: String, testFraction: Double, seed: UInt64, normalization: Normalization = .zscore) throws -> DataSplit {
        let table = try CSVReader.read(path: file)
        let raw: DataSplit
        do {
            raw = try DataSplit(splitting: table.data, testFraction: testFraction, seed: seed, description: "")
        } catch let error as ConfigurationError {
            throw DataError("\(file): \(error.message)")
        }
        let split = try prepared(raw, normalization: normalization, source: file)
        let name = (lastComponent(file) as NSString).deletingPathExtension
        return with(split, description: "\(name) CSV: \(summary(split)), test fraction \(testFraction), seed \(seed) (\(file))")
    }

    // MARK: - Helpers

    /// The raw split with its labels checked and its features normalized; `source` names the
    /// file in errors.
    private static func prepared(_ raw: DataSplit, normalization: Normalization, source: String) throws -> DataSplit {
        do {
            try raw.checkClasses()
            return try raw.normalized(normalization)
        } catch let error as ConfigurationError {
            throw DataError("\(source): \(error.message)")
        }
    }

    /// One IDX set (images and labels), checked against each other; pixels as read (0-255).
    private static func idxSet(images imagesPath: String, labels labelsPath: String) throws -> (inputs: Matrix, labels: [Int], shape: String) {
        let images = try IDXReader.readImages(path: imagesPath)
        let labels = try IDXReader.readLabels(path: labelsPath)
        guard images.count == labels.count else {
            throw DataError("\(imagesPath): \(images.count) images but \(labelsPath) has \(labels.count) labels; use matching images and labels files")
        }
        guard images.count > 0 && images.rows * images.cols > 0 else {
            throw DataError("\(imagesPath): holds no data (\(images.count) images of \(images.rows) x \(images.cols) pixels); use a non-empty data set")
        }
        let cols = images.rows * images.cols
        let inputs = Matrix(rows: images.count, cols: cols, values: images.pixels.map { Float($0) })
        return (inputs, labels.map(Int.init), "\(images.rows) x \(images.cols)")
    }

    /// The file for `name` in `directory`: MNIST's name, then with .gz, then the dotted variant
    /// (train-images.idx3-ubyte) with and without .gz.
    private static func idxFile(named name: String, in directory: String) -> String? {
        let dotted = name.replacingOccurrences(of: "-idx", with: ".idx")
        for candidate in [name, name + ".gz", dotted, dotted + ".gz"] {
            let path = (directory as NSString).appendingPathComponent(candidate)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
                return path
            }
        }
        return nil
    }

    private static func summary(_ split: DataSplit) -> String {
        "\(split.train.count) train / \(split.test.count) test, \(split.train.features) features, \(split.classesPresent.count) classes, \(split.normalization.method.phrase)"
    }

    private static func with(_ split: DataSplit, description: String) -> DataSplit {
        var result = split
        result.description = description
        return result
    }

    /// Whether `path` is a directory; nil when nothing is there.
    private static func isDirectory(_ path: String) -> Bool? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue
    }

    private static func lastComponent(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return (trimmed as NSString).lastPathComponent
    }
}
