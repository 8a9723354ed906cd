"""Drama model -> Fountain, for `publish export --to fountain`.

The writer writes what Fountain can say (`fountain_view.fountain_view` turns any model into
that first, listing what it had to change), so that reading its output back
(`fountain.read_fountain`) gives the same model up to source positions. Where an element
could be mistaken for another, it is forced (`!` action, `.` scene heading, `@` cue, `>`
transition): each paragraph is checked with the reader's own classifier.

- title page: `Title:` (title and subtitle on two indented lines) and the other keys;
- divisions: acts and parts as sections (`# Act II`), scenes as scene headings (a slugline
  as written, with `#N#` for its number; any other heading forced with `.`);
- speeches: the label as the cue (fountain_cues.py: upper case, or `@` and its own case
  when upper case would not read back as the same label; for export `fountain_view` has
  made the label the cast's display names, `publish fmt` keeps it), the extension, `^`
  for simultaneous speech, the delivery and inline directions as parentheticals on their
  own lines, paragraphs apart by a line of two spaces, lyric lines with `~`; an empty
  speech is a cue over a line of spaces;
- block directions as action (transitions and centred text in their forms), notes as
  `[[...]]`, synopses as `= ...`, cut material as `/* ... */`, page breaks as `===`.
"""

from __future__ import annotations

from publish import model as m
from publish.reading.fountain_cues import cue_text
from publish.reading.fountain_inline import escape_text, write_line
from publish.reading.fountain_scan import SLUGLINE, Line, Source, classify, is_title_page, read_heading
from publish.reading.recognize import Cast, Context

TWO_SPACES = "  "  # a line of spaces: a paragraph break inside dialogue or a note


def write_fountain(play: m.Play) -> str:
    """The Fountain text of a play that `fountain_view` has already made sayable."""
    writer = _Writer(play)
    return writer.text()


class _Writer:
    def __init__(self, play: m.Play):
        self.play = play
        self.cast = Cast(play.cast, True)
        self.chunks: list[str] = []

    def text(self) -> str:
        meta = self.play.meta
        page = title_page_entries(meta)
        if page:
            self.chunks.append(page)
        for block in self.play.front:
            self._block(block)
        implicit = (
            len(self.play.body) == 1
            and not self.play.front
            and self.play.body[0].number is None
            and self.play.body[0].title is None
        )
        for division in self.play.body:
            if not implicit:
                self.chunks.append(heading_line(division))
            for block in division.blocks:
                self._block(block)
        return "\n\n".join(self.chunks) + "\n"

    def _first(self) -> bool:
        return not self.chunks

    def _block(self, block: m.DramaBlock) -> None:
        if isinstance(block, m.Speech):
            self.chunks.append(self._speech(block))
        elif isinstance(block, m.StageDirection):
            self.chunks.append(self._action(block))
        elif isinstance(block, m.Note):
            self.chunks.append(_note_block(block))
        elif isinstance(block, m.Prose):
            for inner in block.blocks:
                if isinstance(inner, m.ThematicBreak):
                    self.chunks.append("===")
                elif isinstance(inner, m.Paragraph):
                    self.chunks.append("\n".join("~" + line for line in _lines(inner.inlines)))
                else:
                    raise TypeError(f"Fountain cannot write {type(inner).__name__}; see fountain_view")

    # -- speeches

    def _speech(self, speech: m.Speech) -> str:
        cue = cue_text(speech.label, self.cast)
        tail = (f" {speech.extension}" if speech.extension else "") + (" ^" if speech.simultaneous else "")
        lines = []
        if speech.delivery is not None:
            lines.append(_parenthetical(speech.delivery))
        for index, paragraph in enumerate(speech.paragraphs):
            if index:
                lines.append(TWO_SPACES)
            lines.extend(_dialogue_lines(paragraph))
        if not lines:
            lines.append(TWO_SPACES)
        for candidate in (cue, "@" + speech.label):
            text = "\n".join([candidate + tail, *lines])
            if self._reads_as(text, "dialogue"):
                return text
        return text

    # -- action

    def _action(self, direction: m.StageDirection) -> str:
        lines = [line or TWO_SPACES for line in _lines(direction.inlines)]
        if direction.kind == "centered":
            return "\n".join(f"> {line} <" for line in lines)
        if direction.kind == "transition":
            text = lines[0]
            bare = text.isupper() and text.endswith("TO:") and not text.startswith((">", "!"))
            return text if bare and self._reads_as(text, "transition") else f"> {text}"
        text = "\n".join(lines)
        # The reader takes one `!` off the front of action; any other paragraph it might
        # take for something else is forced.
        return text if not text.startswith("!") and self._reads_as(text, "action") else "!" + text

    def _reads_as(self, text: str, kind: str) -> bool:
        """Whether the reader takes this paragraph, at this place, for `kind`."""
        lines, start = [], 0
        for raw in text.split("\n"):
            lines.append(Line(start, raw))
            start += len(raw) + 1
        if self._first() and is_title_page(lines):
            return False
        source = Source("", text, text, list(range(len(text))), [0])
        return classify(lines, source, Context("", self.cast)).kind == kind


# ---------------------------------------------------------------- pieces


def heading_line(division: m.Division) -> str:
    """A scene heading or section that reads back as this division."""
    label = division.title or ""
    if division.number:
        label = f"{division.kind.capitalize()} {division.number}" + (
            f": {division.title}" if division.title else ""
        )
    wanted = (division.kind, division.number, division.title)
    candidates = []
    if division.kind in ("act", "part"):
        candidates.append("# " + escape_text(label, True))
    title = division.title or ""
    if division.kind == "scene" and SLUGLINE.match(title):
        number = f" #{division.number}#" if division.number else ""
        candidates.append(escape_text(title, True) + number)
    candidates += ["." + escape_text(label, True), "# " + escape_text(label, True)]
    for candidate in candidates:
        if read_heading(candidate) == wanted:
            return candidate
    return candidates[-1]


def title_page_entries(meta: m.PlayMeta) -> str:
    lines = []
    if meta.title_in_text:
        if meta.subtitle:
            lines += [
                "Title:",
                "    " + escape_text(meta.title, True),
                "    " + escape_text(meta.subtitle, True),
            ]
        else:
            lines.append("Title: " + escape_text(meta.title, True))
    for entry in meta.title_page:
        values = entry.value.split("\n")
        if len(values) == 1 and values[0]:
            lines.append(f"{entry.key}: {values[0]}")
        else:
            lines += [f"{entry.key}:", *("    " + value for value in values if value)]
    return "\n".join(lines)


def _lines(inlines: tuple[m.Inline, ...]) -> list[str]:
    """Inlines split at line breaks, each written as one line."""
    lines: list[list[m.Inline]] = [[]]
    for node in inlines:
        if isinstance(node, m.LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    return [write_line(line, _inline_note) for line in lines]


def _dialogue_lines(paragraph: m.Block) -> list[str]:
    if not isinstance(paragraph, m.Paragraph):
        raise TypeError(f"Fountain cannot write {type(paragraph).__name__} in dialogue; see fountain_view")
    if paragraph.kind == "lyric":
        return ["~" + line for line in _lines(paragraph.inlines)]
    out: list[str] = []
    line: list[m.Inline] = []

    def end_line() -> None:
        if line:
            text = write_line(_stripped(line), _inline_note)
            if (text.startswith("(") and text.endswith(")")) or text.startswith("~"):
                text = "\\" + text  # not a parenthetical, not a lyric
            out.append(text)
            line.clear()

    for node in paragraph.inlines:
        if isinstance(node, m.LineBreak):
            end_line()
        elif isinstance(node, m.StageDirection):
            end_line()
            out.append(_parenthetical(node))
        else:
            line.append(node)
    end_line()
    return out


def _stripped(nodes: list[m.Inline]) -> list[m.Inline]:
    """A line without the spaces the reader puts between it and a parenthetical."""
    nodes = list(nodes)
    if nodes and isinstance(nodes[0], m.Text):
        nodes[0] = m.Text(nodes[0].text.lstrip(), nodes[0].span)
    if nodes and isinstance(nodes[-1], m.Text):
        nodes[-1] = m.Text(nodes[-1].text.rstrip(), nodes[-1].span)
    return [node for node in nodes if not (isinstance(node, m.Text) and not node.text)]


def _parenthetical(direction: m.StageDirection) -> str:
    return "(" + write_line(direction.inlines, _inline_note) + ")"


def _inline_note(note: m.InlineNote) -> str:
    return "[[" + "\n".join(_lines(note.inlines)) + "]]"


def _note_block(note: m.Note) -> str:
    if note.kind == "cut":
        return "/*" + "".join(block.text for block in note.blocks if isinstance(block, m.CodeBlock)) + "*/"
    paragraphs = [_lines(block.inlines) for block in note.blocks if isinstance(block, m.Paragraph)]
    if note.kind == "synopsis":
        return "\n".join("= " + line for lines in paragraphs for line in lines) or "="
    body = f"\n{TWO_SPACES}\n".join("\n".join(lines) for lines in paragraphs)
    return f"[[{body}]]"
