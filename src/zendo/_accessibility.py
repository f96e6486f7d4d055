"""Check a notebook for three accessibility faults: images without alt text, headings out
of order, and links whose text does not say where they go.

The rules, each a `Finding` with the cell it is in:

- `image-alt`: a markdown image `![alt](src)` or an HTML `<img>` needs a real
  description (not empty, not a file name). An image output of a code cell has no alt
  attribute in the notebook format, so it needs a description in its `text/plain` data
  (what a screen reader and every text export show), not a default repr such as
  `<Figure size 640x480 with 1 Axes>`, or an `alt` string in its metadata.
- `heading-order`: the notebook has exactly one level-1 heading, and it is the first;
  each heading goes at most one level deeper than the one before it (`#` then `###`
  skips a level). Markdown `#` headings and HTML `<h1>`..`<h6>` count.
- `link-text`: a link's text says where it goes: not empty, not "here", "click here",
  "this", "link" or "read more", and not a bare URL (an autolink `<https://...>` or a
  URL in running text, which JupyterLab turns into a link whose text is the URL).

Code is never checked: fenced code blocks and inline code spans are removed first, so
`[T](items)` inside backticks is not a link. What an automatic check cannot judge is
whether an alt text or a link text is *good*; a reviewer still reads them.

Usage:

    findings = check_notebook(Path("notebooks/01_zen.ipynb"))
    print("\\n".join(finding.describe() for finding in findings))
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from zendo._notebook import cell_source, read_notebook_json

logger = logging.getLogger(__name__)

Rule = Literal["image-alt", "heading-order", "link-text"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)]*)\)|(?<![!\]])\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_BARE_URL = re.compile(r"(?<![\w/(\"'=<])(?:https?://|www\.)[^\s<>)\]]+")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.MULTILINE)
_HTML_TAG = re.compile(r"<[^>]*>")
_IMAGE_FILE = re.compile(r"^[\w./-]+\.(?:png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
_VAGUE_LINK_TEXTS = frozenset(
    {
        "here",
        "click here",
        "click",
        "this",
        "this link",
        "link",
        "this page",
        "read more",
        "more",
        "see here",
        "go here",
    }
)
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp")
_DEFAULT_REPR = re.compile(r"^<[\w.]+(?: [^>]*)?>$|^<[\w.]+ object at 0x[0-9a-f]+>$")


@dataclass(frozen=True)
class Finding:
    """One accessibility fault: which notebook and cell, which rule, and what to change."""

    path: Path
    cell: int
    rule: Rule
    message: str

    def describe(self) -> str:
        return f"{self.path}, cell {self.cell} [{self.rule}]: {self.message}"


def check_notebook(path: Path) -> list[Finding]:
    """Every accessibility finding in the notebook at `path`, in cell order."""
    data = read_notebook_json(path)
    cells = data.get("cells")
    findings: list[Finding] = []
    headings: list[tuple[int, int, str]] = []  # (cell, level, text)
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "markdown":
            text = _prose(cell_source(cell.get("source", "")))
            findings.extend(_check_prose(path, index, text))
            headings.extend((index, level, title) for level, title in _headings(text))
        outputs = cell.get("outputs")
        for output in outputs if isinstance(outputs, list) else []:
            if isinstance(output, dict):
                findings.extend(_check_output(path, index, output))
    findings.extend(_check_heading_order(path, headings))
    findings.sort(key=lambda finding: finding.cell)
    logger.debug("Checked accessibility", extra={"findings": len(findings)})
    return findings


def check_text(markdown: str) -> list[tuple[Rule, str]]:
    """The image and link findings of one markdown text: `(rule, message)` pairs.

    Heading order needs the whole notebook; `heading_order_problems` checks a list.
    """
    return [(f.rule, f.message) for f in _check_prose(Path("-"), 0, _prose(markdown))]


def heading_order_problems(markdown: str) -> list[str]:
    """The heading-order findings of one markdown text, read as a whole notebook."""
    headings = [(0, level, title) for level, title in _headings(_prose(markdown))]
    return [finding.message for finding in _check_heading_order(Path("-"), headings)]


def _prose(markdown: str) -> str:
    """The markdown without fenced code blocks and inline code spans."""
    kept: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
        elif fence is not None and match and match.group(1).startswith(fence):
            fence = None
        elif fence is None:
            kept.append(line)
        else:
            kept.append("")  # keep line numbers meaningful; code says nothing here
    return _CODE_SPAN.sub(" ", "\n".join(kept))


def _headings(prose: str) -> Iterator[tuple[int, str]]:
    for line in prose.splitlines():
        match = _ATX_HEADING.match(line)
        if match:
            yield len(match.group(1)), (match.group(2) or "").strip()
            continue
        if "<h" in line.lower():
            yield from _Html.read(line).headings


def _check_prose(path: Path, cell: int, prose: str, *, bare_urls: bool = True) -> Iterator[Finding]:
    prose = _LINK_DEFINITION.sub("", prose)
    for match in _IMAGE.finditer(prose):
        alt = match.group(1) if match.group(1) is not None else match.group(3)
        problem = _alt_problem(alt or "")
        if problem:
            yield Finding(path, cell, "image-alt", f"The image {match.group(0)!r} {problem}")
    without_images = _IMAGE.sub(" ", prose)
    for match in _LINK.finditer(without_images):
        text = match.group(1) if match.group(1) is not None else match.group(3)
        target = match.group(2) or ""
        problem = _link_text_problem(text or "", target)
        if problem:
            yield Finding(path, cell, "link-text", f"The link {match.group(0)!r} {problem}")
    for match in _AUTOLINK.finditer(without_images):
        yield Finding(path, cell, "link-text", _bare_url_message(match.group(1)))
    html = _Html.read(without_images)
    for alt in html.image_alts:
        problem = _alt_problem(alt or "")
        if problem:
            shown = "an <img> without alt" if alt is None else f"<img alt={alt!r}>"
            yield Finding(path, cell, "image-alt", f"The image {shown} {problem}")
    for text, target in html.links:
        problem = _link_text_problem(text, target)
        if problem:
            yield Finding(path, cell, "link-text", f"The link <a>{text}</a> {problem}")
    if not bare_urls:
        return
    running_text = _HTML_TAG.sub(" ", _AUTOLINK.sub(" ", _LINK.sub(" ", without_images)))
    for match in _BARE_URL.finditer(running_text):
        yield Finding(path, cell, "link-text", _bare_url_message(match.group(0)))


def _check_output(path: Path, cell: int, output: dict[str, object]) -> Iterator[Finding]:
    data = output.get("data")
    if not isinstance(data, dict):
        return
    images = [mime for mime in _IMAGE_MIMES if mime in data]
    if images:
        metadata = output.get("metadata")
        meta = metadata.get(images[0]) if isinstance(metadata, dict) else None
        alt = meta.get("alt") if isinstance(meta, dict) else None
        description = cell_source(data.get("text/plain", "")).strip()
        if not (isinstance(alt, str) and alt.strip()) and (
            not description or _DEFAULT_REPR.match(description)
        ):
            shown = repr(description) if description else "none"
            yield Finding(
                path,
                cell,
                "image-alt",
                f"The {images[0]} output has no description (its text/plain is {shown}). "
                "Display it with a text/plain description of what it shows, or put "
                f'{{"alt": "..."}} in the output\'s metadata under "{images[0]}".',
            )
    for mime in ("text/html", "text/markdown"):
        if mime in data:
            text = cell_source(data[mime])
            markdown = mime == "text/markdown"
            # JupyterLab links bare URLs in markdown, not in HTML.
            prose = _prose(text) if markdown else text
            for found in _check_prose(path, cell, prose, bare_urls=markdown):
                yield Finding(found.path, found.cell, found.rule, f"In an output: {found.message}")


def _check_heading_order(path: Path, headings: list[tuple[int, int, str]]) -> Iterator[Finding]:
    if not headings:
        yield Finding(
            path, 0, "heading-order", "The notebook has no heading: open it with one '# Title'."
        )
        return
    first_cell, first_level, first_title = headings[0]
    if first_level != 1:
        yield Finding(
            path,
            first_cell,
            "heading-order",
            f"The first heading {first_title!r} is level {first_level}: the notebook "
            "must open with its title as the one level-1 heading ('# Title').",
        )
    previous = first_level
    for cell, level, title in headings[1:]:
        if level == 1:
            yield Finding(
                path,
                cell,
                "heading-order",
                f"The heading {title!r} is a second level-1 heading: keep '#' for the "
                "notebook's title and make this one '##'.",
            )
        elif level > previous + 1:
            yield Finding(
                path,
                cell,
                "heading-order",
                f"The heading {title!r} is level {level} right after a level-{previous} "
                f"heading, skipping level {previous + 1}: make it {'#' * (previous + 1)!r}.",
            )
        previous = level


def _alt_problem(alt: str) -> str | None:
    text = alt.strip()
    if not text:
        return "has no alt text: describe what it shows, e.g. ![Bar chart of ...](...)."
    if _IMAGE_FILE.match(text):
        return f"uses its file name {text!r} as alt text: describe what it shows instead."
    return None


def _link_text_problem(text: str, target: str) -> str | None:
    plain = re.sub(r"[*_`~]", "", _HTML_TAG.sub("", text)).strip()
    normalized = re.sub(r"[\s.:!,;>)(]+", " ", plain.lower()).strip()
    if not normalized:
        return "has no text: say where it goes, e.g. [tenacity's documentation](...)."
    if normalized in _VAGUE_LINK_TEXTS:
        return (
            f"says {plain!r}, which does not tell where it goes: name the destination, "
            "e.g. [tenacity's documentation](...)."
        )
    bare_target = target.strip().split(" ", 1)[0].strip("<>")
    if re.match(r"^(?:https?://|www\.)", plain) or (bare_target and plain == bare_target):
        return (
            f"shows the bare URL {plain!r} as its text: name the destination instead, "
            "e.g. [tenacity's documentation](...)."
        )
    return None


def _bare_url_message(url: str) -> str:
    return (
        f"The bare URL {url!r} becomes a link whose text is the URL: write "
        f"[what it is]({url}) instead, naming the destination."
    )


class _Html(HTMLParser):
    """The images, links and headings of an HTML fragment, for the rules above."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.image_alts: list[str | None] = []
        self.links: list[tuple[str, str]] = []
        self.headings: list[tuple[int, str]] = []
        self._link: tuple[str, list[str]] | None = None
        self._heading: tuple[int, list[str]] | None = None

    @classmethod
    def read(cls, fragment: str) -> _Html:
        parser = cls()
        parser.feed(fragment)
        parser.close()
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "img":
            self.image_alts.append(attributes.get("alt"))
            if self._link is not None and attributes.get("alt"):
                self._link[1].append(attributes["alt"] or "")
        elif tag == "a" and "href" in attributes:
            self._link = (attributes.get("href") or "", [])
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append(("".join(self._link[1]), self._link[0]))
            self._link = None
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1].append(data)
        if self._heading is not None:
            self._heading[1].append(data)
