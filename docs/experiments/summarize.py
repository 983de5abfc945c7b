"""Reads `selfassemble simulate --json` output on stdin and prints one row: the circuit's and
bp's test accuracy and the smallest motif metrics at the end (used by the experiment scripts)."""
import json
import sys

lines = [json.loads(l) for l in sys.stdin if l.strip().startswith("{")]
summary = [o for o in lines if o.get("event") == "summary"][-1]
levels = summary["levels"]
nan = float("nan")
desc = [l["descending"] for l in levels if l["level"] >= 2]


def smallest(values):
    """The smallest value, NaN when any is undefined (a diverged run's last metrics)."""
    values = [nan if v is None else v for v in values]
    return nan if any(v != v for v in values) else min(values)


row = [*sys.argv[1:],
       "%.4f" % summary["test_accuracy"],
       "%.4f" % summary.get("bp_test_accuracy", float("nan")),
       "%.3f" % smallest(desc) if desc else "-",
       "%.3f" % smallest(l["alignment_H"] for l in levels),
       "%.3f" % smallest(l["reciprocity"] for l in levels),
       "%d/%d" % (sum(o is not None for o in summary["onset_steps"]), len(levels)),
       "diverged@%s" % summary["diverged_at_step"] if summary.get("diverged_at_step") is not None else "-"]
print("  ".join(str(x) for x in row), flush=True)
