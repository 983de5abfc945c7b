import COpenBLAS

/// The dense linear algebra of the engine, through OpenBLAS's CBLAS interface. Every
/// batched product of the hot path goes through ``gemm(_:_:_:_:alpha:beta:into:)``.
public enum BLAS {
    /// Sets the number of OpenBLAS threads. Results are bit-identical for the same
    /// thread count; a different count may change the summation order.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// `C = alpha * op(A) * op(B) + beta * C`, where op is the transpose when the flag is set.
    public static func gemm(_ a: Matrix, transposeA: Bool, _ b: Matrix, transposeB: Bool,
                            alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
        precondition(c.rows == m && c.cols == n, "gemm: output is \(c.rows)x\(c.cols), needs \(m)x\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(a.cols),
                                pb.baseAddress, Int32(b.cols),
                                beta, pc.baseAddress, Int32(n))
                }
            }
        }
    }

    /// `op(A) * op(B)` as a new matrix. Its entries are not zeroed first: sgemm with beta = 0
    /// writes every entry without reading it (the BLAS standard; ``ProductCheck`` checks it with
    /// an output full of NaN).
    public static func product(_ a: Matrix, transposeA: Bool = false, _ b: Matrix,
                               transposeB: Bool = false, alpha: Float = 1) -> Matrix {
        let rows = transposeA ? a.cols : a.rows, cols = transposeB ? b.rows : b.cols
        let inner = transposeA ? a.rows : a.cols
        if inner == 0 && (transposeB ? b.cols : b.rows) == 0 { return Matrix(zeros: rows, cols) }
        var c = Matrix(uninitialized: rows, cols)
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, alpha: alpha, into: &c)
        return c
    }

    /// `y += alpha * x` over all entries.
    public static func axpy(_ alpha: Float, _ x: Matrix, _ y: inout Matrix) {
        precondition(x.rows == y.rows && x.cols == y.cols, "axpy: shape mismatch")
        x.values.withUnsafeBufferPointer { px in
            y.values.withUnsafeMutableBufferPointer { py in
                cblas_saxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
            }
        }
    }

    /// `x *= alpha` over all entries.
    public static func scale(_ alpha: Float, _ x: inout Matrix) {
        let n = Int32(x.count)
        x.values.withUnsafeMutableBufferPointer { px in cblas_sscal(n, alpha, px.baseAddress, 1) }
    }

    /// The largest |entry| of a finite matrix (0 when empty), through cblas_isamax (the entry of
    /// the first largest magnitude). With a NaN the result is not defined: check
    /// ``Matrix/isFinite`` first.
    public static func largestMagnitude(_ x: Matrix) -> Float {
        guard x.count > 0 else { return 0 }
        let i = x.values.withUnsafeBufferPointer { p in cblas_isamax(Int32(x.count), p.baseAddress, 1) }
        return abs(x.values[Int(i)])
    }

    /// The Frobenius norm, through ``frobeniusDot(_:_:)``.
    public static func frobeniusNorm(_ x: Matrix) -> Double {
        frobeniusDot(x, x).squareRoot()
    }

    /// The Frobenius inner product `<A, B>` through cblas_dsdot, returned in double precision.
    /// The reference BLAS accumulates every product in double; OpenBLAS's x86_64 kernels sum
    /// blocks of 32 products in single precision and the blocks in double (OpenBLAS issue 1326),
    /// so the relative error is about 32 single-precision roundings of the sum of |a_i b_i|.
    public static func frobeniusDot(_ a: Matrix, _ b: Matrix) -> Double {
        precondition(a.rows == b.rows && a.cols == b.cols, "dot: shape mismatch")
        return a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                cblas_dsdot(Int32(a.count), pa.baseAddress, 1, pb.baseAddress, 1)
            }
        }
    }
}
