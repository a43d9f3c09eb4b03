"""Does the model in the loop learn, and does *most informative first* beat random order?

Needs ``../shared/data/germeval2014`` (exit 2 without it). Usage::

    uv run python benchmarks/bench_learning.py [--budget-steps 400] [--allow-busy]

1. Imports ``train-outer.tsv`` (24,000 German sentences) into a fresh SQLite project as one
   annotator's accepted versions — the oracle — with GermEval's PER/ORG/LOC as Kathode's
   PERSON/ORG/LOC (OTH and the deriv/part tags are no entities of ours).
2. Simulates annotation on the oracle documents as ``storage.training`` reads them: start
   from 200 random sentences, then add 400 at a time up to 6,200, chosen (a) at random and
   (b) *most informative first* (the model's beam uncertainty,
   ``nlp.project_training.document_uncertainty``, over a random sample of the unlabelled
   pool), retraining after each step from blank weights (not the bundled model, which has
   seen these sentences) with the same fixed budget of updates; dev F1 on
   ``NER-de-dev.tsv`` after each step for both.
3. Trains on all sentences through the real CLI, ``main.py train --project P --lang de``
   (default base: the bundled weights plus the project's data), and scores that model on
   ``NER-de-dev.tsv``.

It prints the set-up first and refuses to run when another process keeps a core busy
(training seconds would be wrong; F1 figures are seeded and do not depend on load) unless
``--allow-busy``. The last line is one JSON object: ``curve_random``, ``curve_active``,
``f1_random_final``, ``sentences_active_to_f1_random_final``, ``ratio`` (that count / 6,200;
target ≤ 0.7), ``full_f1`` (target ≥ 0.74) and ``full_train_seconds``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.germeval import DATA, oracle_tsv  # noqa: E402
from benchmarks.machine import refuse_when_busy  # noqa: E402
from core.documents import Status  # noqa: E402
from core.exports.record import ExportRecord  # noqa: E402
from core.spans import Span  # noqa: E402

START, STEP, END = 200, 400, 6200
LABELS = ("PERSON", "ORG", "LOC")


def setup_line(args: argparse.Namespace) -> dict[str, object]:
    import numpy
    import spacy

    load1 = os.getloadavg()[0]
    return {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "numpy": numpy.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
        "load_1min_at_start": round(load1, 2),
        "budget_steps": args.budget_steps,
        "full_epochs": args.full_epochs,
        "pool_sample": args.pool_sample,
        "seed": args.seed,
    }


def dev_records() -> list[ExportRecord]:
    from nlp.tokenizer import make_doc
    from nlp.training import read_germeval_conll, sentence_entities, sentence_text

    records = []
    for i, sentence in enumerate(read_germeval_conll(DATA / "NER-de-dev.tsv")):
        text = sentence_text(sentence)
        doc = make_doc(text, "de")
        flat = [v for t in doc for v in (t.idx, t.idx + len(t.text), int(bool(t.whitespace_)))]
        spans = tuple(Span(a, b, label) for a, b, label in sentence_entities(sentence))
        records.append(ExportRecord(-1 - i, text, flat, spans, Status.ACCEPTED, "dev"))
    return records


def dev_f1(nlp: object, dev: list[ExportRecord]) -> float:
    from nlp.project_training import predict_spans, reference_spans, span_figures

    predicted = predict_spans(nlp, dev)  # type: ignore[arg-type]
    return span_figures(predicted, [reference_spans(r, LABELS) for r in dev], LABELS).f


def simulate(
    pool: list[ExportRecord], dev: list[ExportRecord], args: argparse.Namespace, active: bool
) -> list[list[float]]:
    from nlp.project_training import TrainSettings, document_uncertainty, train_model

    rng = random.Random(args.seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    chosen = order[:START]
    rest = order[START:]
    settings = TrainSettings(
        lang="de",
        labels=LABELS,
        base="blank",
        seed=args.seed,
        max_epochs=10_000,
        patience=10_000,
        max_steps=args.budget_steps,
    )
    curve: list[list[float]] = []
    name = "active" if active else "random"
    while True:
        started = time.perf_counter()
        model = train_model(settings, [pool[i] for i in chosen], [])
        f1 = dev_f1(model.nlp, dev)
        curve.append([len(chosen), round(f1, 4)])
        print(
            f"{name}: {len(chosen)} sentences, dev F1 {f1:.4f} "
            f"({time.perf_counter() - started:.0f} s, {model.epochs} epochs)",
            file=sys.stderr,
            flush=True,
        )
        if len(chosen) >= args.end:
            return curve
        if active:
            sample = rest if len(rest) <= args.pool_sample else rng.sample(rest, args.pool_sample)
            scores = document_uncertainty(model.nlp, [pool[i] for i in sample])
            ranked = [i for _, i in sorted(zip(scores, sample, strict=True), reverse=True)]
            picked = ranked[:STEP]
        else:
            picked = rest[:STEP]
        taken = set(picked)
        chosen = chosen + picked
        rest = [i for i in rest if i not in taken]


def sentences_to_reach(curve: list[list[float]], target: float) -> float | None:
    """Sentences (linearly interpolated between steps) at which ``curve`` first reaches
    ``target``; None if it never does."""
    previous = None
    for n, f1 in curve:
        if f1 >= target:
            if previous is None or previous[1] >= f1:
                return n
            n0, f0 = previous
            return round(n0 + (target - f0) / (f1 - f0) * (n - n0), 1)
        previous = (n, f1)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget-steps", type=int, default=400, help="updates per training")
    parser.add_argument("--pool-sample", type=int, default=3000, help="candidates scored")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--allow-busy", action="store_true", help="run on a loaded machine")
    parser.add_argument("--skip-full", action="store_true", help="leave out step 3")
    parser.add_argument("--only-full", action="store_true", help="only step 3")
    parser.add_argument("--full-epochs", type=int, default=4, help="epochs of step 3")
    parser.add_argument("--end", type=int, default=END, help="a shorter run, for checking")
    args = parser.parse_args()
    if not (DATA / "train-outer.tsv").is_file():
        print(f"bench_learning: {DATA} is missing (../shared beside the repo)", file=sys.stderr)
        return 2
    setup = setup_line(args)
    print("set-up: " + json.dumps(setup), flush=True)
    refuse_when_busy("bench_learning", args.allow_busy)

    from storage.importer import import_paths
    from storage.repository import ProjectRepository
    from storage.training import TrainOptions, training_data

    with tempfile.TemporaryDirectory(prefix="kathode-bench-learning-") as tmp:
        folder = Path(tmp)
        tsv = folder / "germeval-train.tsv"
        sentences = oracle_tsv(DATA / "train-outer.tsv", tsv)
        project = folder / "oracle.kathode"
        started = time.perf_counter()
        with ProjectRepository.open(project) as repo:
            import_paths(repo, [tsv], annotator="oracle")
            for document_id in repo.document_ids():  # short sentences can look English
                if repo.document(document_id).language != "de":
                    repo.set_language(document_id, "de")
            pool = training_data(repo, TrainOptions(lang="de", labels=LABELS)).records
        print(
            f"imported {len(pool)} of {sentences} sentences in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        dev = dev_records()
        result: dict[str, object] = {}
        if not args.only_full:
            curve_random = simulate(pool, dev, args, active=False)
            curve_active = simulate(pool, dev, args, active=True)
            f1_random_final = curve_random[-1][1]
            reach = sentences_to_reach(curve_active, f1_random_final)
            result = {
                "curve_random": curve_random,
                "curve_active": curve_active,
                "f1_random_final": f1_random_final,
                "sentences_active_to_f1_random_final": reach,
                "ratio": round(reach / args.end, 3) if reach is not None else None,
            }
        if not args.skip_full:
            started = time.perf_counter()
            command = [sys.executable, str(ROOT / "main.py"), "train", "--project", str(project)]
            command += ["--lang", "de", "--no-curve", "--labels", ",".join(LABELS), "--json"]
            command += ["--max-epochs", str(args.full_epochs)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            trained = json.loads(done.stdout.strip().splitlines()[-1])
            from nlp.suggesters.pipelines import load_pipeline

            nlp = load_pipeline("project-model", trained["path"])
            result["full_f1"] = round(dev_f1(nlp, dev), 4)
            result["full_project_dev_f1"] = trained["dev"]["f"]
            result["full_train_seconds"] = round(seconds, 1)
            result["full_epochs"] = trained["epochs"]
        result["setup"] = setup
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
