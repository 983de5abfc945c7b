/// A dense row-major matrix of Float32: the storage of every projection and of every
/// minibatch of activity (one row per sample).
///
/// A value type: copying a circuit copies its weights, which is what snapshots and the
/// side-by-side backpropagation run need. Products go through ``BLAS``.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var values: [Float]

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(rows >= 0 && cols >= 0 && values.count == rows * cols,
                     "Matrix \(rows)x\(cols) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, values: [Float](repeating: 0, count: rows * cols))
    }

    /// Independent normal entries with the given standard deviation.
    public init(normal rows: Int, _ cols: Int, std: Float, using rng: inout Xoshiro256StarStar) {
        var values = [Float](repeating: 0, count: rows * cols)
        for i in values.indices { values[i] = Float(rng.nextNormal()) * std }
        self.init(rows: rows, cols: cols, values: values)
    }

    public var count: Int { values.count }

    public subscript(row: Int, col: Int) -> Float {
        get { values[row * cols + col] }
        set { values[row * cols + col] = newValue }
    }

    /// A matrix whose entries are not set: for outputs that are written in full before they
    /// are read (a product with beta = 0, a transpose). Saves a pass over memory.
    init(uninitialized rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, values: [Float](unsafeUninitializedCapacity: rows * cols) { _, count in
            count = rows * cols
        })
    }

    /// The transpose, as a new matrix. Copied in tiles of 32 x 32 entries, so that both the
    /// rows read and the columns written stay in cache (a plain double loop misses the cache on
    /// every write once a column is longer than a few thousand entries).
    public var transposed: Matrix {
        var out = Matrix(uninitialized: cols, rows)
        let tile = 32
        let rows = rows, cols = cols
        if rows == 0 || cols == 0 { return out }
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                let from = src.baseAddress!, to = dst.baseAddress!
                for r0 in stride(from: 0, to: rows, by: tile) {
                    let r1 = Swift.min(r0 + tile, rows)
                    for c0 in stride(from: 0, to: cols, by: tile) {
                        let width = Swift.min(c0 + tile, cols) - c0
                        for r in r0..<r1 {
                            // Row r of the tile becomes column r of the transposed tile.
                            var s = from + (r * cols + c0), d = to + (c0 * rows + r)
                            for _ in 0..<width {
                                d.pointee = s.pointee
                                s += 1
                                d += rows
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The column of the largest entry of each row (the first on ties): a classifier's choice.
    public func argmaxOfRows() -> [Int] {
        (0..<rows).map { r in
            var best = 0
            for c in 1..<cols where self[r, c] > self[r, best] { best = c }
            return best
        }
    }

    /// The rows at the given indices, in that order (a minibatch out of a data set).
    public func gatherRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var out = [Float]()
        out.reserveCapacity(indices.count * cols)
        for r in indices { out.append(contentsOf: values[(r * cols)..<((r + 1) * cols)]) }
        return Matrix(rows: indices.count, cols: cols, values: out)
    }

    /// Column sums (the sum over the rows of a batch): the bias update of a batch.
    public func columnSums() -> [Float] {
        var sums = [Float](repeating: 0, count: cols)
        for r in 0..<rows {
            for c in 0..<cols { sums[c] += values[r * cols + c] }
        }
        return sums
    }

    /// Applies `f` to every entry in place.
    public mutating func apply(_ f: (Float) -> Float) {
        for i in values.indices { values[i] = f(values[i]) }
    }

    /// Entry-wise product in place (`self ⊙= other`): gating by a mask.
    public mutating func multiplyElementwise(by other: Matrix) {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch in ⊙")
        for i in values.indices { values[i] *= other.values[i] }
    }

    /// Adds a row vector to every row (the bias of a layer).
    public mutating func addToEachRow(_ v: [Float]) {
        precondition(v.count == cols, "bias length \(v.count) does not match \(cols) columns")
        for r in 0..<rows {
            for c in 0..<cols { values[r * cols + c] += v[c] }
        }
    }

    /// The matrix as `m * 2^exponent` with every entry of `m` below 1 in magnitude. Scaling by a
    /// power of two is exact, so products of `m` round exactly as those of `self` would, but
    /// cannot overflow Float where `self`'s would (a Gram matrix of weights near 1e19 does).
    public func powerOfTwoNormalized() -> (matrix: Matrix, exponent: Int) {
        let largest = values.reduce(Float(0)) { Swift.max($0, abs($1)) }
        guard largest > 0 && largest.isFinite else { return (self, 0) }
        let exponent = Int(largest.exponent) + 1
        var m = self
        let factor = Float(sign: .plus, exponent: -exponent, significand: 1)
        m.apply { $0 * factor }
        return (m, exponent)
    }

    /// True when every entry is finite: a diverging run is caught at once. It runs over every
    /// update in every step, so it works on the bits, 16 entries at a time: a Float is infinite
    /// or NaN exactly when its exponent bits (0x7F80_0000) are all ones, and then adding one to
    /// the exponent carries into the top bit, which no finite Float's exponent does.
    public var isFinite: Bool {
        values.withUnsafeBytes { raw in
            let count = raw.count / 4, wide = count / 16
            let exponent = SIMD16<UInt32>(repeating: 0x7F80_0000), one = SIMD16<UInt32>(repeating: 0x0080_0000)
            var flags = SIMD16<UInt32>(repeating: 0)
            for i in 0..<wide {
                flags |= (raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<UInt32>.self) & exponent) &+ one
            }
            var flag: UInt32 = 0
            for lane in 0..<16 { flag |= flags[lane] }
            for i in (16 * wide)..<count {
                flag |= (raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) & 0x7F80_0000) &+ 0x0080_0000
            }
            return flag & 0x8000_0000 == 0
        }
    }

    /// The largest |entry| (0 for an empty matrix), NaN when an entry is NaN, infinity when one
    /// is infinite. On the bits: without the sign bit, the bit patterns of non-negative Floats
    /// order as their values, infinity above every finite one and NaN above infinity, so one
    /// unsigned maximum (which the compiler vectorizes) does it. The divergence check scans a
    /// step's activities with it.
    public var largestMagnitude: Float {
        values.withUnsafeBytes { raw in
            var largest: UInt32 = 0
            for i in 0..<(raw.count / 4) {
                largest = Swift.max(largest, raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) & 0x7FFF_FFFF)
            }
            return Float(bitPattern: largest)
        }
    }
}
