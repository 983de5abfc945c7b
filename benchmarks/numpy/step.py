#!/usr/bin/env python3
"""The learning step of the model (model.md, version 2) in NumPy, float32: the script a user
would otherwise write, timed on the same shapes and thread count as selfassemble-bench.

Per minibatch of B rows (one row per sample), levels l = 1..L, f = relu, phi = identity:
  forward     z_l = h_{l-1} W_l^T + b_l;  h_l = relu(z_l) (l < L), h_L = z_L
  error       e = (softmax(h_L) - onehot(y)) / B  (cross-entropy; mean over the batch)
  descending  d_L = e;  g_l = d_l V_l^T;  a_l = g_l Vbar_l^T;  d_{l-1} = (g_l Wbar_l^T) * relu'(z_{l-1})
  plasticity  W_l <- (1 - lambda) W_l - eta a_l^T h_{l-1};  b_l <- b_l - eta sum_rows(a_l)
              Wbar_l <- (1 - lambda) Wbar_l - eta h_{l-1}^T g_l   (l >= 2)
eta_V = 0, so V and Vbar do not change during learning and dV is not computed.

Development, for the development steps/s:
  reciprocal stage  d_l ~ N(0,1)/B; g_l = d_l V_l^T; dV = g_l^T d_l; V += eta_dev dV and
                    Vbar += eta_dev dV^T, each rescaled to its Frobenius norm before
  descending stage  d_l, xi_{l-1} ~ N(0,1)/B; g_l = d_l V_l^T; a_l = g_l Vbar_l^T;
                    W_l <- (1 - lambda_d) W_l - eta_d a_l^T xi_{l-1};
                    Wbar_l <- (1 - lambda_d) Wbar_l - eta_d xi_{l-1}^T g_l  (l >= 2)

Timing as selfassemble-bench: three warm-up steps, then five samples of k steps each (k chosen
so a sample lasts 0.25 s), median. Data: normal inputs and uniform labels (the cost does not
depend on the values), epochs of 64 minibatches drawn by a fresh permutation each epoch.

  python3 benchmarks/numpy/step.py --sizes 784,256,256,10 --batch 32 --threads 1 [--json]
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as error:
    sys.exit("step.py needs numpy and threadpoolctl: pip install numpy threadpoolctl (%s)" % error)

SAMPLE_SECONDS = 0.25
SAMPLES = 5
WARM_UP = 3


class Circuit:
    """W, b, V, Vbar, Wbar per level (index l - 1), initialised as the engine does."""

    def __init__(self, sizes, ratio, rng):
        self.L = len(sizes) - 1
        self.W, self.b, self.V, self.Vbar, self.Wbar = [], [], [], [], []
        for l in range(1, self.L + 1):
            n, p = sizes[l], sizes[l - 1]
            m = max(1, int(round(ratio * n)))
            d_std = np.float32(1 / np.sqrt(m))
            self.W.append(rng.standard_normal((n, p), dtype=np.float32) * np.float32(np.sqrt(2 / p)))
            self.b.append(np.zeros(n, dtype=np.float32))
            self.V.append(rng.standard_normal((m, n), dtype=np.float32) * d_std)
            self.Vbar.append(rng.standard_normal((n, m), dtype=np.float32) * d_std)
            self.Wbar.append(rng.standard_normal((p, m), dtype=np.float32) * d_std if l >= 2 else None)


def learning_step(c, x, y, eta, lam):
    """One minibatch: returns the mean loss and the number of correct choices before the update."""
    B = x.shape[0]
    h, z = [x], [None]
    for l in range(c.L):
        zl = h[-1] @ c.W[l].T
        zl += c.b[l]
        z.append(zl)
        h.append(np.maximum(zl, 0) if l < c.L - 1 else zl)
    logits = h[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(B)
    loss = float(-np.log(np.maximum(p[rows, y], 1e-30)).mean())
    correct = int((logits.argmax(axis=1) == y).sum())
    if not np.isfinite(loss):
        raise FloatingPointError("the loss is not finite")
    d = p
    d[rows, y] -= 1
    d /= B
    decay = np.float32(1 - lam)
    for l in range(c.L, 0, -1):
        i = l - 1
        g = d @ c.V[i].T
        a = g @ c.Vbar[i].T
        if l >= 2:
            below = g @ c.Wbar[i].T
            below *= z[l - 1] > 0
            c.Wbar[i] *= decay
            c.Wbar[i] -= h[l - 1].T @ (np.float32(eta) * g)
        scaled = np.float32(eta) * a
        c.W[i] *= decay
        c.W[i] -= scaled.T @ h[l - 1]
        c.b[i] -= scaled.sum(axis=0)
        if l >= 2:
            d = below
    return loss, correct


def reciprocal_step(c, B, rate, rng):
    for i in range(c.L):
        n = c.V[i].shape[1]
        d = rng.standard_normal((B, n), dtype=np.float32) / np.float32(B)
        g = d @ c.V[i].T
        dv = g.T @ d
        for matrix, delta in ((c.V[i], dv), (c.Vbar[i], dv.T)):
            before = np.linalg.norm(matrix)
            matrix += np.float32(rate) * delta
            matrix *= np.float32(before / np.linalg.norm(matrix))


def descending_step(c, B, rate, lam, rng):
    decay = np.float32(1 - lam)
    for i in range(c.L):
        n, p = c.W[i].shape
        d = rng.standard_normal((B, n), dtype=np.float32) / np.float32(B)
        xi = rng.standard_normal((B, p), dtype=np.float32) / np.float32(B)
        g = d @ c.V[i].T
        a = g @ c.Vbar[i].T
        c.W[i] *= decay
        c.W[i] -= (np.float32(rate) * a).T @ xi
        if c.Wbar[i] is not None:
            c.Wbar[i] *= decay
            c.Wbar[i] -= xi.T @ (np.float32(rate) * g)


def steps_per_second(step):
    start = time.perf_counter()
    for _ in range(WARM_UP):
        step()
    per_step = (time.perf_counter() - start) / WARM_UP
    k = max(1, int(np.ceil(SAMPLE_SECONDS / max(per_step, 1e-9))))
    rates = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        for _ in range(k):
            step()
        rates.append(k / (time.perf_counter() - start))
    return float(np.median(rates))


def blas_description(threads):
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return "numpy %s, %s %s (%s), %d thread%s" % (
                np.__version__, pool.get("internal_api"), pool.get("version"), pool.get("architecture"),
                threads, "" if threads == 1 else "s")
    return "numpy %s, BLAS unknown" % np.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", required=True, help="n_0,...,n_L")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--ratio", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--name", default=None)
    parser.add_argument("--test-samples", type=int, default=500, help="accepted for symmetry with selfassemble-bench; unused")
    parser.add_argument("--eta", type=float, default=1e-4, help="eta_W (the rate changes no work; selfassemble-bench uses 1e-4)")
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    B = args.batch

    with threadpool_limits(limits=args.threads, user_api="blas"):
        rng = np.random.default_rng(1)
        circuit = Circuit(sizes, args.ratio, rng)
        samples = B * 64
        X = rng.standard_normal((samples, sizes[0]), dtype=np.float32)
        Y = rng.integers(0, sizes[-1], samples)
        state = {"order": rng.permutation(samples), "position": 0}

        def learn():
            if state["position"] == 64:
                state["order"], state["position"] = rng.permutation(samples), 0
            idx = state["order"][state["position"] * B:(state["position"] + 1) * B]
            state["position"] += 1
            learning_step(circuit, X[idx], Y[idx], args.eta, args.weight_decay)

        learning = steps_per_second(learn)
        reciprocal = steps_per_second(lambda: reciprocal_step(circuit, B, 0.05, rng))
        descending = steps_per_second(lambda: descending_step(circuit, B, 1.3, 2e-3, rng))
        blas = blas_description(args.threads)

    result = {
        "name": args.name or args.sizes, "sizes": sizes, "batch": B, "ratio": args.ratio, "threads": args.threads,
        "learning_steps_per_second": learning, "development_steps_per_second": reciprocal,
        "descending_steps_per_second": descending, "blas": blas,
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print("%s, batch %d: learning %.1f steps/s, reciprocal stage %.1f steps/s, descending stage %.1f steps/s (%s)"
              % (result["name"], B, learning, reciprocal, descending, blas))


if __name__ == "__main__":
    main()
