"""Import every file of a folder, one at a time, into a fresh project, inside a process whose
address space is limited (``RLIMIT_AS``); print one JSON line of outcomes.

python -m tests.reliability.hostile_child FOLDER LIMIT_MB SECONDS_PER_FILE

Per file the outcome is ``imported`` (stored, nothing refused), ``refused`` (every refusal a
line that names the file, and nothing of the file stored) or ``partial`` (some records
stored, others refused: fine for the many-record formats, each refusal still naming file and
line), ``bad-error`` (a refusal that does not name the file), ``crash`` (an exception escaped)
or ``slow`` (past SECONDS_PER_FILE plus SECONDS_PER_MB for each MB). A MemoryError counts
as ``crash``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

# Past the fixed bound, a big file may take this long per MB: a 49 MB file of good records
# is a real import, not a hang.
SECONDS_PER_MB = 3.0


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). ``ru_maxrss`` is not: Linux carries the parent's
    peak over fork and exec into it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(folder: Path, limit_mb: int, seconds: float) -> None:
    limit = limit_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from storage.importer import import_paths
    from storage.repository import ProjectRepository

    # Warm up (spaCy's tokenizer, language detection) so the time bound measures the file.
    warm = folder / "warm-up.kathode"
    warm_text = folder.parent / f"{folder.name}-warm-up.txt"
    warm_text.write_text("CATL liefert Zellen an BMW. The plant opens in May.", encoding="utf-8")
    with ProjectRepository.open(warm) as repo:
        import_paths(repo, [warm_text])
    for side in (warm, Path(f"{warm}-wal"), Path(f"{warm}-shm"), warm_text):
        side.unlink(missing_ok=True)
    outcomes: dict[str, dict[str, object]] = {}
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".kathode"))
    for index, path in enumerate(files):
        started = time.monotonic()
        project = folder / f"project-{index}.kathode"
        try:
            with ProjectRepository.open(project) as repo:
                summary = import_paths(repo, [path])
                stored = len(repo.document_ids())
        except BaseException as exc:  # the point: nothing may escape
            outcomes[path.name] = {"outcome": "crash", "error": f"{type(exc).__name__}: {exc}"}
            continue
        finally:
            for side in (project, Path(f"{project}-wal"), Path(f"{project}-shm")):
                side.unlink(missing_ok=True)
        elapsed = time.monotonic() - started
        named = all(
            line.startswith(f"{path}:") or line.startswith(f"{path}") for line in summary.refused
        )
        if not named:
            outcome = "bad-error"
        elif elapsed > seconds + SECONDS_PER_MB * path.stat().st_size / 2**20:
            outcome = "slow"
        elif not summary.refused:
            outcome = "imported" if stored else "refused"
        elif stored:
            outcome = "partial"
        else:
            outcome = "refused"
        outcomes[path.name] = {
            "outcome": outcome,
            "seconds": round(elapsed, 3),
            "refused": summary.refused[:3],
            "stored": stored,
        }
    peak_mb = peak_rss_mb()
    print(json.dumps({"files": outcomes, "peak_rss_mb": round(peak_mb, 1)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
