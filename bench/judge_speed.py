"""The built-in judge's time per answer, beside the evaluator it replaced, on the same answers.

Every calibration answer (tests/calibration/answers) is judged; each is timed several
times and its median kept, so one slow scheduling slice does not count as the answer's
time. The previous evaluator (phrase matching, before claims) is measured on the same
answers and question ids in a separate process, from the last commit that had it
(``git archive``), so both run on this machine in the same run. Target: p95 <= 5 ms.

    python -m bench.judge_speed [--repeat 5] [--baseline-ref REF]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_EVALUATOR = "src/hireloop/engine/evaluator.py"
TARGET_P95_MS = 5.0

# Runs inside the old tree: the evaluator of that commit, on the same answers.
_BASELINE_SCRIPT = """
import json, statistics, sys, time
from hireloop.engine.evaluator import evaluate_answer
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.generic import generic_skill_questions
kb = get_knowledge()
questions = {q.id: q for s in kb.skills.values() for q in s.questions}
given = json.load(sys.stdin)
for name in given["generic_skills"]:
    questions.update({q.id: q for q in generic_skill_questions(name)})
pairs = given["pairs"]
repeat = int(sys.argv[1])
times = []
for question_id, answer in pairs:
    question = questions[question_id]
    evaluate_answer(question, answer)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        evaluate_answer(question, answer)
        runs.append(time.perf_counter() - started)
    times.append(statistics.median(runs))
print(json.dumps(times))
"""


def _answers() -> list[tuple[str, str]]:
    from tests.calibration.calibrate import SETS, load_samples

    return [(s.question.id, s.answer) for name in SETS for s in load_samples(name)]


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": 1000 * ordered[len(ordered) // 2],
        "p95": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max": 1000 * ordered[-1],
    }


def measure_judge(pairs: list[tuple[str, str]], repeat: int) -> list[float]:
    from tests.calibration.calibrate import _questions

    from hireloop.engine.judge.builtin import judge_answer

    questions = _questions()
    times: list[float] = []
    for question_id, answer in pairs:
        question = questions[question_id]
        judge_answer(question, answer)  # first call compiles and fills caches
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            judge_answer(question, answer)
            runs.append(time.perf_counter() - started)
        times.append(statistics.median(runs))
    return times


def _baseline_ref() -> str:
    deleted = subprocess.run(
        ["git", "rev-list", "-n", "1", "HEAD", "--", OLD_EVALUATOR],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return f"{deleted}^" if deleted else "HEAD"


def measure_baseline(pairs: list[tuple[str, str]], repeat: int, ref: str) -> list[float] | None:
    """The old evaluator's times, or None when that commit is not in this clone."""
    from tests.calibration.calibrate import GENERIC_SKILL_NAMES

    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", ref, "src/hireloop"],
            cwd=ROOT, capture_output=True, check=False,
        )  # fmt: skip
        if archive.returncode != 0:
            return None
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        # Only the old tree on the path: its own packs, evaluator and knowledge loader.
        run = subprocess.run(
            [sys.executable, "-c", _BASELINE_SCRIPT, str(repeat)],
            input=json.dumps({"generic_skills": GENERIC_SKILL_NAMES, "pairs": pairs}),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(folder) / "src")},
            cwd=folder,
            check=False,
        )
        if run.returncode != 0:
            print(run.stderr[-2000:], file=sys.stderr)
            return None
        times: list[float] = json.loads(run.stdout)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-ref", default=None)
    args = parser.parse_args()
    pairs = _answers()
    new = _percentiles(measure_judge(pairs, args.repeat))
    print(f"answers: {len(pairs)}, each timed {args.repeat} times (median kept)")
    print(
        f"claims judge:       p50 {new['p50']:.2f} ms   p95 {new['p95']:.2f} ms   "
        f"max {new['max']:.2f} ms   (target p95 <= {TARGET_P95_MS} ms)"
    )
    ref = args.baseline_ref or _baseline_ref()
    old_times = measure_baseline(pairs, args.repeat, ref)
    if old_times is None:
        print(f"previous evaluator ({ref}): not measurable in this clone")
        return
    old = _percentiles(old_times)
    print(
        f"previous evaluator: p50 {old['p50']:.2f} ms   p95 {old['p95']:.2f} ms   "
        f"max {old['max']:.2f} ms   ({ref})"
    )
    p50_ratio, p95_ratio = new["p50"] / old["p50"], new["p95"] / old["p95"]
    print(f"ratio claims/previous: p50 {p50_ratio:.2f}x, p95 {p95_ratio:.2f}x")
    verdict = "meets" if new["p95"] <= TARGET_P95_MS else "MISSES"
    print(f"p95 {verdict} the {TARGET_P95_MS} ms target")


if __name__ == "__main__":
    main()
