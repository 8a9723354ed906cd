"""The proof's HTML: the print edition's markup (from `html.py`) with what editors need
around it, laid out by WeasyPrint with `styles/proof.css` over `print.css`, one document per
play and one for the front (see "the documents" below; `proof_parts.py` merges them).

- a summary page at the front: every diagnostic and editorial note, with its page number;
- every diagnostic flagged where it stands, every note boxed with its source line;
- speeches numbered within each scene (`Speech.number`, set by model/numbering.py: the
  numbers `publish ast` shows);
- a cast table per play (`publish/stats.py`);
- with a diff (`publish/diff.py`): a bar beside added and changed speeches and directions,
  changed words marked, removed ones listed, struck through, where they stood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from publish import model as m
from publish.model.diagnostics import Diagnostic
from publish.model.diff import PlayDiff, Unit, word_diff
from publish.model.stats import cast_stats
from publish.render.html import (
    ContentsLinks,
    Stamp,
    division_id,
    html_document,
    play_id,
    render_drama,
    render_front_matter,
    render_play_opening,
    scene_heading,
)
from publish.render.markup import Markup

PAPER = {"a4": "A4", "letter": "letter"}
NOTE_CODE = "M201"  # notes are boxed already; their anchor is the box itself


@dataclass
class ProofMarkup(Markup):
    """Markup that can mark changed words: `inserted` holds (id(text node), word index)
    pairs to wrap in <ins>; `deleted` old words to show in <del> before such a word."""

    inserted: set[tuple[int, int]] = field(default_factory=set)
    deleted: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text) and self._touched(node):
            return self._marked_text(node)
        return super().inline(node)

    def _touched(self, node: m.Text) -> bool:
        return any(key[0] == id(node) for key in (*self.inserted, *self.deleted))

    def _marked_text(self, node: m.Text) -> str:
        out, index = [], 0
        for part in re.split(r"(\s+)", node.text):
            if not part:
                continue
            if part.isspace():
                out.append(escape(self._quotes.convert(part), quote=False))
                continue
            out.append(self._deleted_before(node, index))
            word = escape(self._quotes.convert(part), quote=False)
            out.append(f"<ins>{word}</ins>" if (id(node), index) in self.inserted else word)
            index += 1
        out.append(self._deleted_before(node, index))  # words removed after the last one
        # One highlight over a run of new words reads better than a box around each word.
        return "".join(out).replace("</ins> <ins>", " ")

    def _deleted_before(self, node: m.Text, index: int) -> str:
        old = self.deleted.get((id(node), index))
        return f"<del>{escape(' '.join(old), quote=False)}</del> " if old else ""


@dataclass(frozen=True)
class Flag:
    """A diagnostic with the anchor the summary page links to."""

    anchor: str
    diagnostic: Diagnostic


# ---------------------------------------------------------------- the documents
#
# The proof is laid out in parts: one document per play, and the front (the summary page and
# the book's front matter), laid out last because it gives the page of every note and scene.
# `proof_parts.py` merges them. Each part numbers its own pages: play 2's are 2-1, 2-2...
# and the front's i, ii... So an edit to one play moves no other play's pages, an editor's
# marks on play 3 still point at the right page after play 1 grew, and each part is laid
# out, and kept in the build cache, on its own.

PART_LINK = "publish-proof-part:"  # the front's links into the plays, resolved at the merge
# The @page rules of proof.css whose bottom-right box holds the folio.
FOLIO_PAGES = ("", ":blank", "front", "opener")


def play_folio_prefix(index: int) -> str:
    return f"{index + 1}-"


def folio_css(content: str) -> str:
    """The folio of every page of a part: `content` is a CSS content value."""
    return "\n".join(f"@page {selector} {{ @bottom-right {{ content: {content}; }} }}"
                     for selector in FOLIO_PAGES)


def render_proof_play(book: m.Book, index: int, markup: ProofMarkup, stylesheets: list[str],
                      stamp: Stamp, diagnostics: list[Diagnostic], diff: PlayDiff | None = None,
                      paper: str = "a4") -> str:
    """The proof of the book's play `index` as a document of its own."""
    play = book.plays[index]
    flags = _play_flags(play, index, diagnostics)
    folio = folio_css(f'"{play_folio_prefix(index)}" counter(page)')
    return html_document(book, [*stylesheets, _paper_css(paper), folio], stamp, "proof",
                         _play(play, index, markup, flags, diff),
                         f"{book.meta.title} (proof)", plays=(index,))


def render_proof_front(book: m.Book, stylesheets: list[str], stamp: Stamp,
                       diagnostics: list[Diagnostic], pages: dict[str, str],
                       changes: tuple[int, int, int] | None = None, since: str = "",
                       paper: str = "a4") -> str:
    """The summary page and the front matter, as a document of its own. `pages` gives the
    page label of each element the summary and the contents link to (by id); `changes`,
    with `since`: the units added, changed and removed in all plays (`change_counts`)."""
    flags = _flags(book, diagnostics)
    links = ContentsLinks(PART_LINK, pages)
    body = f"{_summary(book, flags, changes, since, pages)}\n{render_front_matter(book, stamp, links)}"
    folio = folio_css("counter(page, lower-roman)")
    return html_document(book, [*stylesheets, _paper_css(paper), folio], stamp, "proof", body,
                         f"{book.meta.title} (proof)", plays=())


def _paper_css(paper: str) -> str:
    return f"@page {{ size: {PAPER[paper]}; }}"


def anchors_of(book: m.Book, index: int, diagnostics: list[Diagnostic]) -> set[str]:
    """The ids of play `index` the front links to: the play, its scenes, its diagnostics."""
    play = book.plays[index]
    flagged = {flag.anchor for flags in _play_flags(play, index, diagnostics).values()
               for flag in flags}
    return {play_id(index), *(division_id(index, d) for d in range(len(play.body))), *flagged}


# ---------------------------------------------------------------- diagnostics in place


def _flags(book: m.Book, diagnostics: list[Diagnostic]) -> dict[str, dict[int | None, list[Flag]]]:
    """Each diagnostic attached to the block it concerns: per play source, id(block) -> flags
    (key None: before any block, shown at the play's opening)."""
    return {play.meta.source: _play_flags(play, index, diagnostics)
            for index, play in enumerate(book.plays)}


def _play_flags(play: m.Play, index: int, diagnostics: list[Diagnostic]) -> dict[int | None, list[Flag]]:
    """The diagnostics of play `index`, by id(block) (key None: before any block)."""
    blocks = _blocks_with_lines(play)
    mine = sorted((d for d in diagnostics if d.location.path == play.meta.source),
                  key=Diagnostic.sort_key)
    placed: dict[int | None, list[Flag]] = {}
    # Numbered within the play: its part's anchors do not move with the other plays.
    for count, diagnostic in enumerate(dict.fromkeys(mine), 1):
        home = _containing(blocks, diagnostic.location.line)
        placed.setdefault(home, []).append(Flag(f"diagnostic-{index + 1}-{count}", diagnostic))
    return placed


def _blocks_with_lines(play: m.Play) -> list[tuple[int, m.DramaBlock]]:
    blocks = [*play.front, *(b for d in play.body for b in d.blocks)]
    return [(b.span.line, b) for b in blocks if b.span]


def _containing(blocks: list[tuple[int, m.DramaBlock]], line: int) -> int | None:
    """id() of the last block starting at or before `line` (blocks are in source order)."""
    home = None
    for start, block in blocks:
        if start > line:
            break
        home = id(block)
    return home


def _flag_html(flag: Flag) -> str:
    d = flag.diagnostic
    return (f'<p class="diagnostic {d.severity.value}" id="{flag.anchor}">'
            f'<span class="diagnostic-code">{escape(d.code)}</span> {escape(d.message)} '
            f'<span class="diagnostic-source">{escape(str(d.location))}</span></p>')


# ---------------------------------------------------------------- the summary page


def _summary(book: m.Book, flags: dict[str, dict[int | None, list[Flag]]],
             counts: tuple[int, int, int] | None, since: str, pages: dict[str, str]) -> str:
    rows = []
    for play in book.plays:
        for flag in sorted((f for fs in flags.get(play.meta.source, {}).values() for f in fs),
                           key=lambda f: f.diagnostic.sort_key()):
            d = flag.diagnostic
            kind = "note" if d.code == NOTE_CODE else d.severity.value
            message = d.message.removeprefix("editorial note: ")
            rows.append(f'<tr class="summary-{kind}"><td class="summary-kind">{escape(d.code)} {kind}</td>'
                        f'<td class="summary-message">{escape(message)}'
                        f'<span class="summary-source"> {escape(str(d.location))}</span></td>'
                        f'<td class="summary-page"><a href="{PART_LINK}{flag.anchor}" '
                        f'data-page="{escape(pages.get(flag.anchor, ""))}"></a></td></tr>')
    table = (f'<table class="summary-table"><tbody>{"".join(rows)}</tbody></table>' if rows
             else '<p class="summary-none">No notes and no diagnostics.</p>')
    changes = _changes_line(counts, since) if counts is not None else ""
    return (f'<section class="proof-summary"><h2 class="summary-heading">Proof summary</h2>'
            f"{changes}{table}</section>")


def change_counts(diff: PlayDiff | None) -> tuple[int, int, int]:
    """(added, changed, removed) units of one play's diff: what the summary adds up."""
    if not diff:
        return (0, 0, 0)
    removed = len(diff.removed_at_end) + sum(map(len, diff.removed_before.values()))
    return (len(diff.added), len(diff.changed), removed)


def _changes_line(changes: tuple[int, int, int], since: str) -> str:
    added, changed, removed = changes
    return (f'<p class="summary-changes">Changes since <code>{escape(since)}</code>: '
            f"{added} added, {changed} changed, {removed} removed (marked by a bar in the "
            "margin).</p>")


# ---------------------------------------------------------------- plays


def _play(play: m.Play, index: int, markup: ProofMarkup, flags: dict[int | None, list[Flag]],
          diff: PlayDiff | None) -> str:
    parts = [
        *render_play_opening(play, index, markup),
        cast_table(play),
        *(_flag_html(flag) for flag in flags.get(None, [])),
    ]
    if play.front:
        parts.append('<section class="division front">')
        parts.extend(_blocks(play.front, markup, flags, diff))
        parts.append("</section>")
    for division_index, division in enumerate(play.body):
        last = division_index == len(play.body) - 1
        parts.append(_division(division, division_id(index, division_index), markup, flags, diff,
                               at_end=diff.removed_at_end if diff and last else []))
    parts.append("</article>")
    return "\n".join(part for part in parts if part)


def _division(division: m.Division, element_id: str, markup: ProofMarkup,
              flags: dict[int | None, list[Flag]], diff: PlayDiff | None, at_end: list[Unit]) -> str:
    parts = [f'<section class="division" id="{element_id}">', scene_heading(division)]
    parts.extend(_blocks(division.blocks, markup, flags, diff))
    parts.append(_removed(at_end))
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def _blocks(blocks: tuple[m.DramaBlock, ...], markup: ProofMarkup,
            flags: dict[int | None, list[Flag]], diff: PlayDiff | None) -> list[str]:
    """Each block numbered, wrapped with its change mark and followed by its diagnostics."""
    parts = []
    for block in blocks:
        mine = flags.get(id(block), [])
        anchor = next((f.anchor for f in mine if f.diagnostic.code == NOTE_CODE), "")
        status = diff.status(block) if diff else None
        if diff:
            parts.append(_removed(diff.removed(block)))
        old = diff.old(block) if diff and status == "changed" else None
        if old is not None and isinstance(block, (m.Speech, m.StageDirection)):
            _mark_words(markup, old, block)
        body = render_drama(block, markup, numbered=True)
        markup.inserted.clear()
        markup.deleted.clear()
        classes = " ".join(["unit", *([status] if status else [])])
        id_attr = f' id="{anchor}"' if anchor else ""
        label = f'<span class="change-label">{_change_label(status, diff, block)}</span>' \
            if status and diff else ""
        parts.append(f'<div class="{classes}"{id_attr}>{label}{body}</div>')
        parts.extend(_flag_html(f) for f in mine if f.anchor != anchor)
    return parts


def _change_label(status: str, diff: PlayDiff, block: m.DramaBlock) -> str:
    """"added", "changed", or "changed, was NAME" when the speech changed hands (the speaker
    label is not a word of the text, so the word marks cannot show it)."""
    old = diff.old(block)
    if isinstance(old, m.Speech) and isinstance(block, m.Speech) and old.label != block.label:
        return f"{status}, was {escape(old.label)}"
    return status


def _removed(units: list[Unit]) -> str:
    """Removed speeches and directions, struck through where they stood."""
    if not units:
        return ""
    items = []
    for unit in units:
        who = f'<span class="speaker">{escape(unit.label)}</span> ' if isinstance(unit, m.Speech) else ""
        text = m.plain_text((unit.delivery, unit.paragraphs) if isinstance(unit, m.Speech)
                            else unit.inlines)
        items.append(f'<p class="removed-unit">{who}<del>{escape(" ".join(text.split()))}</del></p>')
    return (f'<div class="removed"><span class="change-label">removed</span>'
            f'{"".join(items)}</div>')


def _mark_words(markup: ProofMarkup, old: Unit, new: Unit) -> None:
    """Fill the markup's word marks with what changed between two versions of a unit:
    new words are inserted; old ones are shown deleted before the word that replaced them
    (or after the last word when they ended the unit)."""
    tokens = _tokens(new)
    if not tokens:
        return
    old_words = [word for _, _, word in _tokens(old)]
    for _, start, end, removed_words in word_diff(old_words, [word for _, _, word in tokens]):
        for node_id, index, _ in tokens[start:end]:
            markup.inserted.add((node_id, index))
        if removed_words:
            node_id, index, _ = tokens[min(start, len(tokens) - 1)]
            where = (node_id, index if start < len(tokens) else index + 1)
            markup.deleted.setdefault(where, []).extend(removed_words)


def _tokens(unit: Unit) -> list[tuple[int, int, str]]:
    """(id(text node), index within it, word) for every word of a unit, in reading order."""
    content = (unit.delivery, unit.paragraphs) if isinstance(unit, m.Speech) else unit.inlines
    tokens: list[tuple[int, int, str]] = []
    for node in m.walk(content):
        if isinstance(node, m.Text):
            tokens.extend((id(node), index, word) for index, word in enumerate(node.text.split()))
    return tokens


# ---------------------------------------------------------------- the cast table


def cast_table(play: m.Play) -> str:
    """Speeches and words per character with their share, and who appears in which scene."""
    stats = cast_stats(play)
    if not stats.characters:
        return ""
    scenes = "".join(f'<th class="scene-col">{escape(label)}</th>' for label in stats.scene_labels)
    rows = []
    for c in stats.characters:
        marks = "".join(f'<td class="scene-col">{"●" if here else ""}</td>' for here in c.scenes)
        rows.append(f'<tr><th class="cast-name">{escape(c.name)}</th>'
                    f'<td class="num">{c.speeches}</td><td class="num">{c.speech_share:.0%}</td>'
                    f'<td class="num">{c.words}</td><td class="num">{c.word_share:.0%}</td>'
                    f"{marks}</tr>")
    group = (f'<th class="scene-group" colspan="{len(stats.scene_labels)}">scenes</th>'
             if scenes else "")
    return (f'<section class="cast-table"><h2 class="cast-table-heading">Cast table</h2>'
            f'<table><thead><tr><th></th><th class="num" colspan="2">speeches</th>'
            f'<th class="num" colspan="2">words</th>{group}'
            f'</tr><tr><th></th><th></th><th></th><th></th><th></th>{scenes}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody>'
            f'<tfoot><tr><th>All</th><td class="num">{stats.speeches}</td><td></td>'
            f'<td class="num">{stats.words}</td><td></td>{"<td></td>" * len(stats.scene_labels)}'
            f"</tr></tfoot></table></section>")
