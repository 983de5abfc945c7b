import SelfAssemble

/// The matrix products of one learning step of the model (model.md, version 2, eta_V = 0), for
/// one minibatch of B rows: what the step must compute whatever the implementation, and so
/// what its GFLOP/s and its sgemm ceiling are counted on. Element-wise work (activations,
/// gates, bias sums, decay) is not counted; neither is any product whose result the step
/// throws away (dV, dVbar when eta_V = 0).
///
/// Per level l (n = n_l, p = n_{l-1}, m = m_l), rows of a batch times weights transposed:
///
///     z_l = h_{l-1} W_l^T              B x n x p
///     g_l = d_l V_l^T                  B x m x n
///     a_l = g_l Vbar_l^T               B x n x m
///     d_{l-1} = (g_l Wbar_l^T) f'      B x p x m    (l >= 2)
///     dW_l = -a_l^T h_{l-1}            n x p x B
///     dWbar_l = -h_{l-1}^T g_l         p x m x B    (l >= 2)
struct StepProducts {
    var shapes: [SGEMMThroughput.Shape]

    init(architecture a: Architecture, batch: Int) {
        var shapes = [SGEMMThroughput.Shape]()
        for l in 1...a.levels {
            let n = a.upstreamSizes[l], p = a.upstreamSizes[l - 1], m = a.downstreamSizes[l - 1]
            shapes.append(.init(m: batch, n: n, k: p, transposeB: true))
            shapes.append(.init(m: batch, n: m, k: n, transposeB: true))
            shapes.append(.init(m: batch, n: n, k: m, transposeB: true))
            shapes.append(.init(m: n, n: p, k: batch, transposeA: true))
            if l >= 2 {
                shapes.append(.init(m: batch, n: p, k: m, transposeB: true))
                shapes.append(.init(m: p, n: m, k: batch, transposeA: true))
            }
        }
        self.shapes = shapes
    }

    /// Floating-point operations of one step (2 per multiply-add).
    var flops: Double { shapes.reduce(0) { $0 + $1.flops } }

    /// Seconds of one step's products if each ran at the speed sgemm reaches on its shape
    /// alone (each distinct shape timed once, see SGEMMThroughput): the step's ceiling.
    func ceilingSeconds(repetitions: Int) -> Double {
        var counts = [SGEMMThroughput.Shape: Int]()
        for s in shapes { counts[s, default: 0] += 1 }
        return counts.reduce(0) { sum, entry in
            sum + Double(entry.value) * SGEMMThroughput.secondsPerProduct(entry.key, repetitions: repetitions)
        }
    }
}

/// Bytes a run must hold at least: every weight and bias, the activity of one learning step,
/// the data and one snapshot's copy of the weights (the bound the peak resident memory is
/// compared with).
struct ModelBytes {
    var weights: Int, activations: Int, data: Int

    init(architecture a: Architecture, batch: Int, dataValues: Int) {
        var w = 0, act = 0
        for l in 1...a.levels {
            let n = a.upstreamSizes[l], p = a.upstreamSizes[l - 1], m = a.downstreamSizes[l - 1]
            w += n * p + n + 2 * m * n + (l >= 2 ? p * m : 0)
            // z_l, h_l, d_l, a_l (B x n) and g_l (B x m).
            act += batch * (4 * n + m)
        }
        weights = 4 * w
        activations = 4 * (act + batch * a.upstreamSizes[0])
        data = dataValues
    }

    /// Weights, activations, data and one snapshot buffer (a copy of the weights).
    var total: Int { 2 * weights + activations + data }
}
