"""A batch's journal: an append-only record of its results, and what is written from it.

`zendo grade --gradebook FILE` appends each result, as it finishes, to a journal beside
the gradebook (`FILE` without its suffix, plus `.journal.jsonl`): a first line naming
the course, its version, the graders' hashes and zendo's version, then one
`SubmissionResult` per line, flushed at once. A write costs the same for the first
result and the thousandth, and a batch killed at any moment (even `kill -9`) leaves every
finished result on disk for `--resume`.

When the batch ends, the JSON gradebook and its `.csv` (the same bytes as before the
journal existed) are written from the journal a submission at a time, each atomically,
and then the journal is deleted: a journal left beside a gradebook means its batch did
not finish, and `--resume` continues from the journal rather than the gradebook. The
engine keeps only an index per submission (its key, where its line is, whether it
passed), never the results themselves.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from zendo._errors import InputError
from zendo._files import open_atomically
from zendo._results import Report, Status, SubmissionResult
from zendo.render.csv import write_csv
from zendo.render.json import write_json

logger = logging.getLogger(__name__)

JOURNAL_VERSION: Literal[1] = 1


class JournalHead(BaseModel):
    """The journal's first line: what graded the results below it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zendo_journal: Literal[1] = JOURNAL_VERSION
    report: Report  # the gradebook's fields, without submissions


def journal_path(gradebook: Path) -> Path:
    """Where the journal of a gradebook is: `class.json` keeps `class.journal.jsonl`."""
    return gradebook.with_name(gradebook.stem + ".journal.jsonl")


class Journal:
    """The journal being written: results appended as they come, read back by key.

    It is made under a temporary name and takes its own name at `commit()`, after the
    results kept from an earlier batch are copied in, so a crash before then leaves the
    earlier journal (or gradebook) as it was.
    """

    def __init__(self, path: Path, head: Report) -> None:
        self.path = path
        self.head = head.model_copy(update={"submissions": []})
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self._temporary: Path | None = Path(temporary)
        self._file: BinaryIO = os.fdopen(descriptor, "w+b")
        # key -> (offset, length, passed) of its line: all that is kept per submission.
        self._index: dict[str, tuple[int, int, bool]] = {}
        self._end = 0
        self._write(JournalHead(report=self.head).model_dump_json().encode() + b"\n")

    def add(self, result: SubmissionResult) -> None:
        """Append one result and flush it to the file (a later one of a key replaces it)."""
        offset = self._write(result.model_dump_json().encode() + b"\n")
        self._index[result.source] = (offset, self._end - offset - 1, result.status is Status.PASS)

    def commit(self) -> None:
        """Give the journal its own name, replacing any earlier journal there."""
        if self._temporary is not None:
            self._file.close()  # closed while renamed, as Windows needs
            os.replace(self._temporary, self.path)
            self._temporary = None
            self._file = self.path.open("r+b")

    def __len__(self) -> int:
        return len(self._index)

    @property
    def all_passed(self) -> bool:
        """Whether there is a result and every one passed (exit code 0)."""
        return bool(self._index) and all(passed for _, _, passed in self._index.values())

    def results(self) -> Iterator[SubmissionResult]:
        """Every result, sorted by key, read back from the file one at a time."""
        for key in sorted(self._index):
            offset, length, _ = self._index[key]
            self._file.seek(offset)
            yield SubmissionResult.model_validate_json(self._file.read(length))

    def close(self) -> None:
        """Close the file; a journal never committed is deleted."""
        self._file.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)

    def remove(self) -> None:
        """Close and delete the journal: the gradebook written from it holds everything."""
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, data: bytes) -> int:
        offset = self._end
        self._file.seek(offset)
        self._file.write(data)
        self._file.flush()  # in the file before the next result: a kill loses nothing
        self._end = offset + len(data)
        return offset


def write_gradebook_from(gradebook: Path, journal: Journal) -> None:
    """Write the JSON gradebook and its CSV twin from the journal, each atomically.

    The bytes are those `render_json` and `render_csv` give for the whole report, written a
    submission at a time.
    """
    with open_atomically(gradebook) as file:
        write_json(file, journal.head, journal.results())
    with open_atomically(gradebook.with_suffix(".csv")) as file:
        write_csv(file, journal.results())


class Previous:
    """What an earlier batch left for `--resume`: its provenance, and each result's file
    hash by key; a result itself is read from its file only when it is reused."""

    def __init__(
        self,
        path: Path,
        head: Report,
        places: dict[str, tuple[int, int, str]],
        whole: dict[str, SubmissionResult] | None = None,
    ) -> None:
        self.path = path
        self.head = head
        self._places = places  # key -> (offset, length, sha256) of its JSON in `path`
        self._whole = whole  # a gradebook that only parses whole (not written by zendo)
        self._file = path.open("rb") if whole is None else None

    @property
    def digests(self) -> dict[str, str]:
        """The sha256 of the file each result graded, by key."""
        if self._whole is not None:
            return {key: result.sha256 for key, result in self._whole.items()}
        return {key: digest for key, (_, _, digest) in self._places.items()}

    def result(self, key: str) -> SubmissionResult:
        """The result recorded for `key`."""
        if self._whole is not None:
            return self._whole[key]
        assert self._file is not None  # noqa: S101 - set whenever _whole is not
        offset, length, _ = self._places[key]
        self._file.seek(offset)
        return SubmissionResult.model_validate_json(self._file.read(length))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def load_previous(gradebook: Path) -> Previous | None:
    """The results an earlier batch left: its journal if it did not finish, else the
    gradebook; None when there is neither."""
    journal = journal_path(gradebook)
    if journal.exists():
        return _read_journal(journal)
    if gradebook.exists():
        return _read_gradebook(gradebook)
    return None


def _read_journal(path: Path) -> Previous:
    """Index a journal; a last line cut short (the batch was killed mid-write) is ignored."""
    places: dict[str, tuple[int, int, str]] = {}
    with path.open("rb") as file:
        first = file.readline()
        try:
            head = JournalHead.model_validate_json(first).report
        except ValidationError:
            raise InputError(
                f"{path} is not a Zendo journal (its first line does not say what graded "
                "it). Delete it to resume from the gradebook, or grade again without --resume."
            ) from None
        offset, number = len(first), 1
        for line in file:
            number += 1
            if not line.endswith(b"\n"):
                logger.warning("Ignored a journal's last line, cut short", extra={"line": number})
                break
            try:
                result = SubmissionResult.model_validate_json(line)
            except ValidationError:
                raise InputError(
                    f"Line {number} of {path} is not a result. Delete the journal to resume "
                    "from the gradebook, or grade again without --resume."
                ) from None
            places[result.source] = (offset, len(line) - 1, result.sha256)
            offset += len(line)
    return Previous(path, head, places)


# What zendo's own gradebooks look like around their submissions (render_json).
_OPEN, _EMPTY = b'  "submissions": [\n', b'  "submissions": []\n'
_ITEM, _ITEM_END, _ITEM_NEXT = b"    {\n", b"    }\n", b"    },\n"


def _read_gradebook(path: Path) -> Previous:
    """Index a gradebook written by zendo a submission at a time; read any other whole."""
    scanned = _scan_gradebook(path)
    if scanned is not None:
        return scanned
    from zendo._batch import load_report  # its errors name what is wrong with the file

    report = load_report(path)
    logger.info(
        "Read a gradebook whole to resume it", extra={"submissions": len(report.submissions)}
    )
    whole = {result.source: result for result in report.submissions}
    return Previous(path, report.model_copy(update={"submissions": []}), {}, whole)


def _scan_gradebook(path: Path) -> Previous | None:
    """The index of a gradebook laid out as `render_json` writes it, or None if it is not."""
    places: dict[str, tuple[int, int, str]] = {}
    try:
        with path.open("rb") as file:
            head_lines: list[bytes] = []
            offset = 0
            for line in file:
                offset += len(line)
                if line in (_OPEN, _EMPTY):
                    break
                head_lines.append(line)
            else:
                return None
            head = Report.model_validate_json(b"".join(head_lines) + _EMPTY + b"}")
            state = "item" if line == _OPEN else "close"
            begun, chunk = 0, bytearray()
            for line in file:
                start, offset = offset, offset + len(line)
                if state == "item" and line == _ITEM:
                    begun, chunk, state = start, bytearray(line), "inside"
                elif state == "inside" and line in (_ITEM_END, _ITEM_NEXT):
                    chunk += _ITEM_END[:-1]
                    result = SubmissionResult.model_validate_json(bytes(chunk))
                    places[result.source] = (begun, len(chunk), result.sha256)
                    state = "item" if line == _ITEM_NEXT else "end"
                elif state == "inside":
                    chunk += line
                elif state == "end" and line == b"  ]\n":
                    state = "close"
                elif state == "close" and line in (b"}\n", b"}"):
                    state = "done"
                else:
                    return None
            if state != "done":
                return None
    except (OSError, ValidationError):
        return None  # read whole, whose errors say what is wrong
    return Previous(path, head, places)
