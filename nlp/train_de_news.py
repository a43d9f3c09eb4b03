"""Train the bundled German news NER model ``de-news`` (PERSON, ORG, LOC) from GermEval 2014.

Run from the repository root::

    uv run --group train python -m nlp.train_de_news

It reads ``../shared/data/germeval2014/`` (train: ``train-outer.tsv``; evaluation:
``NER-de-dev.tsv``), trains a CPU spaCy NER pipeline on project tokens and writes it with its
figures to ``resources/models/de-news/``. See ``resources/models/README.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from spacy import about as spacy_about

from nlp.suggesters.pipelines import MODELS_DIR
from nlp.tokenizer import TOKENIZER_VERSION
from nlp.training import (
    GERMEVAL_AUX_LABELS,
    GERMEVAL_LABELS,
    NerSettings,
    build_docs,
    evaluate_ner,
    iter_texts,
    prune_strings,
    read_germeval_conll,
    read_germeval_train,
    split_holdout,
    tokenization_mismatches,
    train_ner,
)

log = logging.getLogger("nlp.train_de_news")

MODULE = "nlp.train_de_news"
MODEL_NAME = "de-news"
MODEL_VERSION = "1.1.0"
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "germeval2014"
LABELS = tuple(GERMEVAL_LABELS.values())
ATTRIBUTION = (
    "GermEval 2014 NER data, CC BY 4.0, Benikova et al. 2014; "
    "train split as re-published in microsoft/PyMarlin, MIT"
)
SOURCES = [
    {
        "name": "GermEval 2014 NER",
        "url": "https://sites.google.com/site/germeval2014ner/",
        "license": "CC BY 4.0",
        "author": "Benikova, Biemann, Reznicek (2014)",
    },
    {
        "name": "GermEval 2014 train split (outer tags) in microsoft/PyMarlin",
        "url": "https://github.com/microsoft/PyMarlin",
        "license": "MIT",
    },
]


def main(argv: list[str] | None = None) -> int:
    defaults = NerSettings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="GermEval 2014 folder")
    parser.add_argument("--out", type=Path, default=MODELS_DIR / MODEL_NAME)
    parser.add_argument("--max-steps", type=int, default=defaults.max_steps)
    parser.add_argument("--width", type=int, default=defaults.width)
    parser.add_argument("--depth", type=int, default=defaults.depth)
    parser.add_argument(
        "--rows",
        type=int,
        nargs=4,
        default=defaults.rows,
        metavar=("NORM", "PREFIX", "SUFFIX", "SHAPE"),
        help="hash-embedding rows per attribute",
    )
    parser.add_argument("--window-size", type=int, default=defaults.window_size)
    parser.add_argument("--hidden-width", type=int, default=defaults.hidden_width)
    parser.add_argument(
        "--averages", action=argparse.BooleanOptionalAction, default=defaults.use_averages
    )
    parser.add_argument("--holdout", type=int, default=1000, help="train sentences for selection")
    parser.add_argument(
        "--aux-labels",
        action="store_true",
        help="train OTH and the deriv/part types as auxiliary labels (dropped from output)",
    )
    parser.add_argument("--embed", choices=["multihash", "characters"], default=defaults.embed)
    parser.add_argument("--dropout", type=float, default=defaults.dropout)
    parser.add_argument(
        "--gazetteer",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="name lists as features (needs the train dependency group)",
    )
    parser.add_argument("--gazetteer-rows", type=int, default=defaults.gazetteer_rows)
    parser.add_argument("--seed", type=int, default=defaults.seed, help="spaCy's training seed")
    parser.add_argument("--limit", type=int, default=0, help="use only N train sentences (smoke)")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    command = shlex.join(["uv", "run", "--group", "train", "python", "-m", MODULE, *argv])
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logging.getLogger("nlp").addHandler(handler)
    logging.getLogger("nlp").setLevel(logging.INFO)

    train_file, dev_file = args.data / "train-outer.tsv", args.data / "NER-de-dev.tsv"
    missing = [p for p in (train_file, dev_file) if not p.is_file()]
    if missing:
        print(
            f"train_de_news: GermEval 2014 data not found ({', '.join(map(str, missing))}).\n"
            "The bundled model is trained from ../shared/data/germeval2014 next to the "
            "repository; pass --data DIR to use another copy. Nothing was trained.",
            file=sys.stderr,
        )
        return 2

    sentences = read_germeval_train(train_file)
    if args.limit:
        sentences = sentences[: args.limit]
    train_sentences, holdout_sentences = split_holdout(sentences, args.holdout)
    dev_sentences = read_germeval_conll(dev_file, tag_column=2)
    lists = _build_lists() if args.gazetteer else None
    train_labels = GERMEVAL_AUX_LABELS if args.aux_labels else GERMEVAL_LABELS
    train = build_docs(train_sentences, "de", train_labels)
    holdout = build_docs(holdout_sentences, "de", train_labels)
    dev = build_docs(dev_sentences, "de")
    misaligned = train.misaligned + holdout.misaligned + dev.misaligned
    log.info(
        "train %d sentences (%d entities), holdout %d, dev %d (%d entities); "
        "entities that failed to align: %d",
        len(train.docs), train.entities, len(holdout.docs), len(dev.docs), dev.entities,
        misaligned,
    )  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="kathode-gazetteer-") as tmp:
        gazetteer = None
        if lists is not None:
            gazetteer = Path(tmp) / "lists.json"
            gazetteer.write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")
        settings = NerSettings(
            max_steps=args.max_steps,
            width=args.width,
            depth=args.depth,
            rows=tuple(args.rows),
            window_size=args.window_size,
            hidden_width=args.hidden_width,
            use_averages=args.averages,
            seed=args.seed,
            embed=args.embed,
            dropout=args.dropout,
            gazetteer=gazetteer,
            gazetteer_rows=args.gazetteer_rows,
        )
        nlp, seconds = train_ner("de", train.docs, holdout.docs, settings, stdout=sys.stderr)
    # The final weights' scores on the hold-out (spaCy's last evaluation).
    holdout_f = nlp.meta.get("performance", {}).get("ents_f")
    log.info(
        "trained in %.0f s (hold-out F1 %s); evaluating on %s", seconds, holdout_f, dev_file.name
    )
    scores = evaluate_ner(nlp, dev.docs, LABELS)
    mismatches = tokenization_mismatches(nlp, iter_texts(dev_sentences), "de")
    log.info("dev scores %s; tokenization mismatches with make_doc: %d", scores, mismatches)

    meta = _meta(
        settings, scores, seconds, len(train.docs), misaligned, mismatches, lists, args, command
    )
    meta["training"]["holdout_f"] = round(holdout_f, 4) if holdout_f is not None else None
    nlp.meta.update(meta)
    if args.out.exists():
        shutil.rmtree(args.out)
    nlp.to_disk(args.out)
    pruned = prune_strings(nlp, args.out, [doc.text for doc in dev.docs])
    log.info("vocab strings pruned to the labels: %s (predictions on dev unchanged)", pruned)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    log.info("wrote %s (%.1f MB)", args.out, size / 1e6)
    print(json.dumps({"micro": scores["micro"], "seconds": round(seconds), "mb": size / 1e6}))
    return 0


def _build_lists() -> dict[str, list[str]]:
    """The gazetteer's name lists (nlp.gazetteer_sources)."""
    try:
        from nlp.gazetteer_sources import build_lists

        lists = build_lists()
    except ImportError as exc:
        raise SystemExit(
            f"train_de_news: the name lists need the train dependency group ({exc}); run "
            "`uv run --group train python -m nlp.train_de_news`, or pass --no-gazetteer"
        ) from exc
    log.info("gazetteer lists: %s", {kind: len(names) for kind, names in lists.items()})
    return lists


def _meta(
    settings: NerSettings,
    scores: dict[str, object],
    seconds: float,
    train_sentences: int,
    misaligned: int,
    mismatches: int,
    lists: dict[str, list[str]] | None,
    args: argparse.Namespace,
    command: str,
) -> dict[str, Any]:
    aux_labels = bool(args.aux_labels)
    sources: list[dict[str, str]] = list(SOURCES)
    license_ = "CC BY 4.0 (model trained on GermEval 2014 data)"
    attribution = ATTRIBUTION
    if lists is not None:
        from nlp.gazetteer_sources import LIST_SOURCES, LISTS_ATTRIBUTION, LISTS_LICENSE

        sources += LIST_SOURCES
        license_ = LISTS_LICENSE
        attribution = f"{ATTRIBUTION}; {LISTS_ATTRIBUTION}"
    return {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": (
            "Kathode's bundled German news NER pipeline (PERSON, ORG, LOC), trained on "
            "project tokens"
        ),
        "spacy_version": ">=3.8.0,<3.9.0",
        "spacy_version_trained": spacy_about.__version__,
        "tokenizer_version": TOKENIZER_VERSION,
        "license": license_,
        "attribution": attribution,
        "sources": sources,
        "data": {
            "train": (
                f"GermEval 2014 train, outer tags ({train_sentences} sentences; a seeded "
                "hold-out of 1,000 more train sentences is scored during training; the model "
                "is the final step's)"
            ),
            "evaluation": "GermEval 2014 dev split (NER-de-dev.tsv), outer tags",
            "label_mapping": {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"},
            "dropped": (
                "OTH and every *deriv / *part tag"
                + (
                    " (trained as auxiliary GE-* labels, which Kathode's suggesters and the "
                    "evaluation ignore)"
                    if aux_labels
                    else ""
                )
            ),
            "entities_failed_to_align": misaligned,
            "name_lists": (
                {kind: len(names) for kind, names in lists.items()} if lists is not None else None
            ),
        },
        "performance": scores,
        "training": {
            "seconds": round(seconds),
            "command": command,
            "settings": {
                "width": settings.width,
                "depth": settings.depth,
                "window_size": settings.window_size,
                "maxout_pieces": settings.maxout_pieces,
                "embed": settings.embed,
                "embed_rows": list(settings.rows),
                "hidden_width": settings.hidden_width,
                "dropout": settings.dropout,
                "learn_rate": settings.learn_rate,
                "warmup_steps": settings.warmup_steps,
                "max_steps": settings.max_steps,
                "patience": settings.patience,
                "use_averages": settings.use_averages,
                "gazetteer_rows": settings.gazetteer_rows if lists is not None else 0,
                "seed": settings.seed,
            },
            "tokenization_mismatches_on_dev": mismatches,
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())
