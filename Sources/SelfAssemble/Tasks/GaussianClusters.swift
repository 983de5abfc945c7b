/// The embedded default task, generated from the seed: K classes in d dimensions, each class
/// a mixture of `clustersPerClass` Gaussian clusters. Cluster centres are drawn N(0, I/d)
/// scaled to unit length on average, samples are a centre plus isotropic noise of standard
/// deviation `noise / sqrt(d)`. With several clusters per class the classes are not linearly
/// separable in general, so hidden levels matter; with the default noise the clusters overlap
/// enough that neither rule reaches 100% (seed 7, default circuit: circuit 0.944, bp 0.950).
public struct GaussianClusters: Equatable, Sendable, Codable {
    public var features: Int
    public var classes: Int
    public var clustersPerClass: Int = 3
    public var noise: Double = 1.2
    public var trainSamples: Int = 2_000
    public var testSamples: Int = 500

    public init(features: Int, classes: Int) {
        self.features = features
        self.classes = classes
    }

    public func generate(seed: UInt64) -> DataSplit {
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.task.rawValue)
        let d = features
        let centreStd = Float((1.0 / Double(d)).squareRoot())
        let centres = Matrix(normal: classes * clustersPerClass, d, std: centreStd, using: &rng)
        let sampleStd = Float(noise / Double(d).squareRoot())
        func draw(_ n: Int) -> LabeledData {
            var x = Matrix(zeros: n, d)
            var labels = [Int](repeating: 0, count: n)
            for r in 0..<n {
                let cluster = rng.nextInt(below: classes * clustersPerClass)
                labels[r] = cluster % classes
                for c in 0..<d {
                    x[r, c] = centres[cluster, c] + Float(rng.nextNormal()) * sampleStd
                }
            }
            return LabeledData(inputs: x, labels: labels, classes: classes)
        }
        let train = draw(trainSamples)
        let test = draw(testSamples)
        return DataSplit(
            train: train, test: test,
            description: "synthetic Gaussian clusters (seed \(seed)): \(classes) classes x \(clustersPerClass) clusters in \(d) dimensions, noise \(noise), \(trainSamples) train / \(testSamples) test")
    }

    /// The task a configuration without a data path runs on: n_0 features and n_L classes,
    /// generated from the configuration's seed.
    public static func task(for configuration: SimulationConfiguration) -> DataSplit {
        GaussianClusters(features: configuration.sizes.first ?? 1, classes: configuration.sizes.last ?? 1)
            .generate(seed: configuration.seed)
    }
}
