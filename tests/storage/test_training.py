"""The project model: training data, a real training run, the model store, the suggester
that uses it, the queue order it leaves, and the bad cases."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.documents import Status
from core.spans import Span
from storage import project_models
from storage.repository import ProjectRepository
from storage.suggest import PROJECT_MODEL_LATEST, suggester_for
from storage.training import (
    MIN_EXAMPLES,
    TrainingError,
    TrainOptions,
    curve_verdict,
    train_project,
    training_data,
)
from tests.storage.conftest import new_document

ROOT = Path(__file__).resolve().parents[2]

COMPANIES = ["Northvolt", "Varta", "Umicore", "Freyr", "Akasol", "Customcells", "Leclanché"]
PLACES = ["Erfurt", "Salzgitter", "Heide", "Kamenz", "Ellwangen", "Itzehoe", "Arnstadt"]
PEOPLE = ["Anna Keller", "Jonas Brandt", "Mira Vogt", "Paul Heinze", "Lena Roth"]
TEMPLATES = [
    "{org} baut eine neue Fabrik in {loc}.",
    "Der Zellhersteller {org} eröffnet ein Werk in {loc}.",
    "{per} leitet künftig das Werk von {org} in {loc}.",
    "In {loc} stellt {org} ab 2026 Zellen her, sagte {per}.",
    "{per} kündigte an, dass {org} nach {loc} expandiert.",
]


def sentence(rng: random.Random) -> tuple[str, list[Span]]:
    """A German sentence with ORG, LOC and PERSON spans at the placeholders."""
    template = rng.choice(TEMPLATES)
    values = {"org": rng.choice(COMPANIES), "loc": rng.choice(PLACES), "per": rng.choice(PEOPLE)}
    labels = {"org": "ORG", "loc": "LOC", "per": "PERSON"}
    text, spans, position = "", [], 0
    while True:
        start = template.find("{", position)
        if start < 0:
            text += template[position:]
            return text, spans
        end = template.index("}", start)
        key = template[start + 1 : end]
        text += template[position:start]
        spans.append(Span(len(text), len(text) + len(values[key]), labels[key]))
        text += values[key]
        position = end + 1


def fill_training(repo: ProjectRepository, n: int = 40, seed: int = 0) -> list[int]:
    """``n`` distinct German sentences, each accepted by ``ana`` with its spans."""
    rng = random.Random(seed)
    texts: dict[str, list[Span]] = {}
    while len(texts) < n:
        text, spans = sentence(rng)
        texts.setdefault(f"{text} ({len(texts)})", spans)
    ids = [i for i, _ in repo.add_documents(new_document(t, "de") for t in texts)]
    for document_id, spans in zip(ids, texts.values(), strict=True):
        repo.edit_spans(document_id, "ana", add=spans)
        repo.set_status(document_id, "ana", Status.ACCEPTED)
    return ids


FAST = TrainOptions(lang="de", max_epochs=2, curve=False)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, object]]]:
    """One project with a trained model (module-wide: training takes a few seconds)."""
    path = tmp_path_factory.mktemp("trained") / "news.kathode"
    with ProjectRepository.open(path) as repo:
        fill_training(repo)
        result = train_project(repo, TrainOptions(lang="de", max_epochs=3, curve=True))
    yield path, result.as_dict()


def test_training_stores_the_model_beside_the_project_with_its_meta(
    trained: tuple[Path, dict[str, object]],
) -> None:
    path, result = trained
    with ProjectRepository.open(path) as repo:
        model = project_models.latest(repo.url, "de")
    assert model is not None
    assert model.path.parent == path.with_name("news.kathode.models") / "de"
    assert str(model.path) == result["path"]
    meta = json.loads((model.path / "kathode.json").read_text(encoding="utf-8"))
    assert meta["labels"] == ["ORG", "PERSON", "LOC"] or set(meta["labels"]) == {
        "ORG",
        "PERSON",
        "LOC",
    }
    for key in ("data_hash", "dev", "builtin_dev", "base", "spacy_version", "created"):
        assert meta[key], key
    assert meta["base"] == "de-news"
    assert meta["beats_builtin"] == (meta["dev"]["f"] > meta["builtin_dev"]["f"])
    assert result["documents"] == {"train": 32, "dev": 8}
    assert result["dev"]["f"] > 0.5  # type: ignore[index]
    assert len(result["curve"]) == 4  # type: ignore[arg-type]
    assert [n for n, _ in result["curve"]] == [8, 16, 24, 32]  # type: ignore[attr-defined]
    assert result["curve_verdict"]


def test_project_model_latest_suggests_the_trained_labels(
    trained: tuple[Path, dict[str, object]],
) -> None:
    path, _ = trained
    with ProjectRepository.open(path) as repo:
        suggester = suggester_for(repo.url, PROJECT_MODEL_LATEST, "de")
    [spans] = suggester.suggest(["Der Zellhersteller Varta eröffnet ein Werk in Kamenz."])
    assert spans and all(s.source.startswith("model:project-de-") for s in spans)
    assert {s.label for s in spans} <= {"ORG", "LOC", "PERSON"}


def test_suggest_input_with_the_project_model_stores_nothing(
    trained: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = trained
    before = path.read_bytes()
    text = tmp_path / "article.txt"
    text.write_text("Mira Vogt kündigte an, dass Northvolt nach Heide expandiert.", "utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "suggest", "--input", str(text), "--project",
         str(path), "--suggester", "project-model:latest", "--lang", "de", "--json"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert any(span["source"].startswith("model:project-de") for span in record["spans"])
    assert path.read_bytes() == before


def test_the_default_suggester_takes_the_model_only_when_it_won(
    trained: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = trained
    with ProjectRepository.open(path) as repo:
        model = project_models.latest(repo.url, "de")
        assert model is not None
        for wins in (True, False):
            meta = {**model.meta, "beats_builtin": wins, "version": f"copy-{wins}"}
            staged = project_models.staging_folder(repo.url, "de")
            for item in model.path.iterdir():
                (staged / item.name).symlink_to(item)
            (staged / "kathode.json").unlink()
            project_models.install(staged, meta)
            default = suggester_for(repo.url, "default", "de")
            names = [m.name for m in default.members]  # type: ignore[attr-defined]
            assert names[0].startswith("project-model:") is wins
            assert names[-2:] == ["rules", "de-news"]


def test_queue_order_most_informative_first(trained: tuple[Path, dict[str, object]]) -> None:
    path, result = trained
    with ProjectRepository.open(path) as repo:
        scores = repo.document_scores()
        assert result["scored_documents"] == len(scores) == 40
        informative = [d.id for d in repo.list_documents("ana", order="informative", limit=100)]
        assert informative == sorted(scores, key=lambda i: (-scores[i], i))
        in_order = [d.id for d in repo.list_documents("ana", limit=100)]
        shuffled = [d.id for d in repo.list_documents("ana", order="random", limit=100)]
        assert in_order == sorted(in_order)
        assert sorted(shuffled) == in_order and shuffled != in_order
        assert shuffled == [d.id for d in repo.list_documents("ana", order="random", limit=100)]


def test_no_accepted_document_is_a_clear_error_and_no_model(repo: ProjectRepository) -> None:
    repo.add_documents([new_document("Varta baut in Ellwangen.", "de")])
    with pytest.raises(TrainingError, match=r"too little data.*no accepted document"):
        train_project(repo, TrainOptions(max_epochs=1, curve=False))
    with pytest.raises(TrainingError, match="too little data: 0 accepted de"):
        training_data(repo, FAST)
    assert project_models.latest(repo.url, "de") is None


def test_labels_with_too_few_examples(repo: ProjectRepository) -> None:
    ids = fill_training(repo, n=6)
    first = repo.tokens(ids[0])[0]
    repo.add_span(ids[0], "ana", Span(first.start, first.end, "CHEMISTRY"))  # one example
    data = training_data(repo, FAST)
    assert "CHEMISTRY" not in data.labels
    assert any("CHEMISTRY (1)" in note for note in data.notes)
    assert any("only in the scheme" in note and "POLICY" in note for note in data.notes)
    with pytest.raises(TrainingError, match=f"CHEMISTRY has 1 example.*at least {MIN_EXAMPLES}"):
        training_data(repo, TrainOptions(lang="de", labels=("ORG", "CHEMISTRY")))
    with pytest.raises(TrainingError, match="unknown label"):
        training_data(repo, TrainOptions(lang="de", labels=("NOPE",)))


def test_gold_wins_over_people_and_filters(repo: ProjectRepository) -> None:
    ids = fill_training(repo, n=5)
    first = repo.annotation(ids[0], "ana").spans[0]
    repo.edit_spans(ids[0], "ben", add=[first])
    repo.set_status(ids[0], "ben", Status.ACCEPTED)  # newer than ana's
    chosen = {r.document_id: r for r in training_data(repo, FAST).records}
    assert chosen[ids[0]].annotator == "ben"
    repo.save_gold(ids[0], "rita", [first], sources=["ana", "ben"])
    chosen = {r.document_id: r for r in training_data(repo, FAST).records}
    assert chosen[ids[0]].annotator == "gold"
    only_ana = training_data(repo, TrainOptions(lang="de", annotator="ana")).records
    assert {r.annotator for r in only_ana} == {"ana"}
    with pytest.raises(TrainingError, match="too little data: 1 accepted de"):
        training_data(repo, TrainOptions(lang="de", gold_only=True))
    with pytest.raises(TrainingError, match="no annotator named 'zoe'"):
        training_data(repo, TrainOptions(lang="de", annotator="zoe"))


def test_a_document_trains_on_its_stored_tokens(repo: ProjectRepository) -> None:
    """A document imported with other tokens (an older tokenizer, a file's own) keeps them."""
    from nlp.project_training import examples_of
    from nlp.tokenizer import blank_pipeline
    from storage.rows import NewDocument

    text = "GMs Zellen kommen von CATL."
    # One token for "GMs": the project tokenizer would split "GM" + "s".
    tokens = new_document(text, "de").tokens
    merged = [t for t in tokens if t.start >= 3]
    from core.spans import Token

    merged.insert(0, Token("GMs", 0, 3, True))
    [(document_id, _)] = repo.add_documents(
        [NewDocument(text=text, tokens=merged, tokenizer_version="file", language="de")]
    )
    repo.edit_spans(document_id, "ana", add=[Span(0, 3, "ORG"), Span(22, 26, "ORG")])
    repo.set_status(document_id, "ana", Status.ACCEPTED)
    fill_training(repo, n=4)
    record = next(r for r in training_data(repo, FAST).records if r.document_id == document_id)
    [example] = examples_of(blank_pipeline("de"), [record], ["ORG"])
    assert [t.text for t in example.reference][:2] == ["GMs", "Zellen"]
    assert [(e.text, e.label_) for e in example.reference.ents] == [("GMs", "ORG"), ("CATL", "ORG")]
    assert [t.text for t in example.predicted] == [t.text for t in example.reference]


def test_curve_verdict_says_whether_more_data_helps() -> None:
    assert curve_verdict([(10, 0.5), (20, 0.6), (30, 0.7), (40, 0.78)]).startswith("Still rising")
    assert curve_verdict([(10, 0.5), (20, 0.7), (30, 0.75), (40, 0.752)]).startswith("Levelling")
    assert curve_verdict([(10, 0.5), (20, 0.7), (30, 0.75), (40, 0.70)]).startswith("Uneven")
    assert curve_verdict([]) == "No learning curve was drawn."


def test_a_killed_training_leaves_the_previous_model_in_use(
    trained: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    source, _ = trained
    path = tmp_path / "copy.kathode"
    path.write_bytes(source.read_bytes())
    with ProjectRepository.open(path) as repo:
        assert project_models.latest(repo.url, "de") is None
        train_project(repo, FAST)
        before = project_models.latest(repo.url, "de")
        assert before is not None
    for marker in ("epoch 1/", "Saving the model"):
        with subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "train", "--project", str(path),
             "--lang", "de", "--max-epochs", "2"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        ) as process:  # fmt: skip
            assert process.stderr is not None
            for line in process.stderr:
                if marker in line:
                    break
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        with ProjectRepository.open(path) as repo:
            after = project_models.latest(repo.url, "de")
            assert after is not None
            if marker == "epoch 1/":  # killed while training: the previous model is in use
                assert after.version == before.version
            # killed while saving: the previous model, or the new one complete
            assert (after.path / "kathode.json").is_file() and (after.path / "ner").is_dir()
            suggester = suggester_for(repo.url, PROJECT_MODEL_LATEST, "de")
            assert suggester.suggest(["Varta baut in Kamenz."]) is not None


def test_cancel_between_batches_installs_nothing(repo: ProjectRepository) -> None:
    from nlp.project_training import TrainingCancelled

    fill_training(repo, n=12)
    events: list[dict[str, object]] = []
    with pytest.raises(TrainingCancelled):
        train_project(
            repo,
            FAST,
            progress=events.append,
            should_stop=lambda: any(e["kind"] == "epoch" for e in events),
        )
    assert project_models.latest(repo.url, "de") is None
    folder = project_models.models_root(repo.url) / "de"
    assert not folder.exists() or not any(folder.iterdir())


def test_train_cli_json_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "cli.kathode"
    with ProjectRepository.open(path) as repo:
        fill_training(repo, n=10)
    command = [sys.executable, str(ROOT / "main.py"), "train", "--project", str(path)]
    done = subprocess.run(
        [*command, "--max-epochs", "1", "--no-curve", "--json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "epoch 1/1" in done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["lang"] == "de" and figures["documents"] == {"train": 8, "dev": 2}
    assert set(figures["dev"]["per_label"]) == {"ORG", "PERSON", "LOC"}
    assert figures["version"].startswith("project-de-")
    refused = subprocess.run(
        [*command, "--labels", "POLICY"], capture_output=True, text=True, check=False, timeout=120
    )
    assert refused.returncode == 1
    assert "POLICY has 0 example(s)" in refused.stderr


def test_training_reads_postgres_projects(postgres_url: str) -> None:
    with ProjectRepository.open(postgres_url) as repo:
        fill_training(repo, n=6)
        data = training_data(repo, FAST)
        assert len(data.records) == 6
        root = project_models.models_root(repo.url)
        assert "Kathode" in str(root) and "models" in root.parts


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_training_data_is_one_snapshot_while_others_write(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's writes during the read (a new accepted document, a changed version)
    are not half-seen: the data are the project as it was when the read began."""
    import storage.exporter
    import storage.training

    url = (
        str(tmp_path / "p.kathode")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    monkeypatch.setattr(storage.exporter, "PAGE_SIZE", 3)
    with ProjectRepository.open(url) as repo, ProjectRepository.open(url) as other:
        ids = fill_training(repo, n=8)
        extra = [i for i, _ in other.add_documents([new_document("Freyr baut in Heide.", "de")])]
        pages = storage.exporter.record_pages

        def pages_with_a_writer(*args: object, **kwargs: object) -> Iterator[object]:
            for number, page in enumerate(pages(*args, **kwargs)):  # type: ignore[arg-type]
                yield page
                if number == 0:  # the other process writes between two pages
                    other.edit_spans(extra[0], "ana", add=[Span(0, 5, "ORG")])
                    other.set_status(extra[0], "ana", Status.ACCEPTED)
                    other.set_status(ids[-1], "ana", Status.REJECTED)

        monkeypatch.setattr(storage.training, "record_pages", pages_with_a_writer)
        data = training_data(repo, FAST)
        assert [r.document_id for r in data.records] == ids
        after = training_data(repo, FAST)
        assert [r.document_id for r in after.records] == [*ids[:-1], extra[0]]


def test_english_trains_from_blank_weights_with_the_project_tokenizer(
    repo: ProjectRepository,
) -> None:
    rng = random.Random(3)
    makers = ["CATL", "Northvolt", "LG Energy Solution", "Panasonic", "BYD", "Freyr"]
    places = ["Nevada", "Sweden", "Poland", "Thuringia", "Texas", "Hungary"]
    for i in range(24):
        maker, place = rng.choice(makers), rng.choice(places)
        text = f"{maker} opens a new cell plant in {place} ({i})."
        [(document_id, _)] = repo.add_documents([new_document(text, "en")])
        at = text.index(" in ") + 4
        spans = [Span(0, len(maker), "ORG"), Span(at, at + len(place), "LOC")]
        repo.edit_spans(document_id, "ana", add=spans)
        repo.set_status(document_id, "ana", Status.ACCEPTED)
    result = train_project(repo, TrainOptions(max_epochs=6, curve=False))
    assert (result.lang, result.base) == ("en", "blank")
    assert result.figures.f > 0.5, result.figures
    [spans] = suggester_for(repo.url, PROJECT_MODEL_LATEST, "en").suggest(
        ["Freyr opens a new cell plant in Poland."]
    )
    assert ("Freyr", "ORG") in {
        ("Freyr opens a new cell plant in Poland."[s.start : s.end], s.label) for s in spans
    }
