"""Model -> canonical Markdown, for `publish fmt`.

The canonical dialect is the guide's: `## Title`, `### Scene N: Title`, `**Name**: text`,
`**A** and **B**:`, directions `_[...]_` with names in bold, notes `[TODO ...]`. The author's
wording, quotes and line breaks inside paragraphs are kept (soft breaks are in the model).

Two properties hold on every seed and corpus file (tested): `model(fmt(x)) == model(x)` up to
source positions (lossless), and so `fmt(fmt(x)) == fmt(x)` (idempotent), since the output
depends on the model only. Escaping is the least that keeps the first property.
"""

from __future__ import annotations

import re

from publish import model as m

LINE_START_SPECIAL = re.compile(
    r"^(\s*)(#{1,6}(\s|$)|>|[-+*](\s|$)|\d{1,9}[.)](\s|$)|=+\s*$|-+\s*$|`{3,}|~{3,})")


def format_play(play: m.Play) -> str:
    """The canonical Markdown of one play, ending with a single newline."""
    chunks: list[str] = []
    if play.meta.title_in_text:
        title = play.meta.title + (f": {play.meta.subtitle}" if play.meta.subtitle else "")
        chunks.append("## " + _escape_text(title, at_line_start=False))
    chunks.extend(_drama(block) for block in play.front)
    implicit = len(play.body) == 1 and not play.front  # a play written without headings
    for division in play.body:
        heading = _division_heading(division) or ("" if implicit else "###")
        if heading:
            chunks.append(heading)
        chunks.extend(_drama(block) for block in division.blocks)
    return "\n\n".join(chunk for chunk in chunks if chunk) + "\n"


def _division_heading(division: m.Division) -> str:
    if division.number:
        title = f": {division.title}" if division.title else ""
        return f"### {division.kind.capitalize()} {division.number}{title}"
    if division.title:
        return f"### {division.title}"
    return ""


# ---------------------------------------------------------------- drama blocks


def _drama(node: m.DramaBlock) -> str:
    if isinstance(node, m.Speech):
        return _speech(node)
    if isinstance(node, m.StageDirection):
        return _direction(node, before="", after="")
    if isinstance(node, m.Note):
        return _note(node)
    if isinstance(node, m.Prose):
        return "\n\n".join(_blocks(node.blocks))
    raise TypeError(f"cannot format {type(node).__name__}")


def _speech(speech: m.Speech) -> str:
    # The label as written: names and the joiners between them (`A, B and C`).
    parts = re.split(r"(, and |, | and | & )", speech.label)
    tag = "".join(part if index % 2 else f"**{_escape_text(part, False)}**"
                  for index, part in enumerate(parts))
    head = f"{tag}:"
    if speech.delivery is not None:
        head += " " + _direction(speech.delivery, before=" ", after=" ")
    paragraphs = list(speech.paragraphs)
    if paragraphs and isinstance(first := paragraphs[0], m.Paragraph):
        paragraphs.pop(0)
        head += " " + _inlines(first.inlines, at_line_start=False)
    rest = _blocks(tuple(paragraphs))
    return "\n\n".join([head, *rest])


def _direction(node: m.StageDirection, before: str, after: str) -> str:
    # `_` cannot open or close emphasis inside a word; `*` can.
    marker = "*" if _is_word(before[-1:]) or _is_word(after[:1]) else "_"
    return f"{marker}[{_inlines(node.inlines, at_line_start=False, in_direction=True)}]{marker}"


def _note(note: m.Note) -> str:
    parts = _blocks(note.blocks)
    if not parts:
        return "[TODO]"
    parts[0] = "[" + parts[0]
    if isinstance(note.blocks[-1], m.Paragraph):
        parts[-1] += "]"
    else:
        # `]` as a paragraph of its own: written right under a list it would join the last
        # item, and a list that follows the note would merge into this one.
        parts.append("]")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- prose blocks


def _blocks(nodes: tuple[m.Block, ...]) -> list[str]:
    """Blocks in order; two lists in a row get different markers, or they would merge."""
    parts = []
    previous = None
    alternate = False
    for node in nodes:
        adjacent_list = (isinstance(node, m.ListBlock) and isinstance(previous, m.ListBlock)
                         and node.ordered == previous.ordered)
        alternate = (not alternate) if adjacent_list else False
        parts.append(_list(node, alternate) if isinstance(node, m.ListBlock) else _block(node))
        previous = node
    return parts


def _block(node: m.Block) -> str:
    if isinstance(node, m.Paragraph):
        return _inlines(node.inlines, at_line_start=True)
    if isinstance(node, m.Heading):
        return "#" * max(1, node.level) + " " + _inlines(node.inlines, at_line_start=False)
    if isinstance(node, m.BlockQuote):
        inner = "\n\n".join(_blocks(node.blocks))
        return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
    if isinstance(node, m.ListBlock):
        return _list(node)
    if isinstance(node, m.CodeBlock):
        fence = "`" * max(3, _longest_run(node.text, "`") + 1)
        return f"{fence}\n{node.text}\n{fence}"
    if isinstance(node, m.ThematicBreak):
        return "---"
    raise TypeError(f"cannot format {type(node).__name__}")


def _list(node: m.ListBlock, alternate: bool = False) -> str:
    items = []
    for index, item in enumerate(node.items):
        if node.ordered:
            marker = f"{node.start + index}{')' if alternate else '.'}"
        else:
            marker = " -" if alternate else " *"
        indent = " " * (len(marker) + 1)
        body = "\n\n".join(_blocks(item)) if item else ""
        lines = body.split("\n")
        text = f"{marker} {lines[0]}" + "".join(
            ("\n" + indent + line) if line else "\n" for line in lines[1:])
        items.append(text)
    # A blank line between items would make the list loose; the author writes tight lists.
    tight = all(len(item) <= 1 for item in node.items)
    return ("\n" if tight else "\n\n").join(items)


# ---------------------------------------------------------------- inlines


def _inlines(nodes: tuple[m.Inline, ...], at_line_start: bool, in_direction: bool = False) -> str:
    out: list[str] = []
    line_start = at_line_start
    for index, node in enumerate(nodes):
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        before = "".join(out)[-1:] if out else ""
        text = _inline(node, line_start, before, following, in_direction)
        out.append(text)
        line_start = isinstance(node, (m.SoftBreak, m.LineBreak))
    return "".join(out)


def _inline(node: m.Inline, line_start: bool, before: str, following: m.Inline | None,
            in_direction: bool) -> str:
    if isinstance(node, m.Text):
        return _escape_text(node.text, line_start)
    if isinstance(node, m.SoftBreak):
        return "\n"
    if isinstance(node, m.LineBreak):
        return "\\\n"
    after = _first_char(following)
    if isinstance(node, m.Emph):
        inner = _inlines(node.children, line_start)
        marker = "*" if in_direction or _is_word(before) or _is_word(after) else "_"
        return f"{marker}{inner}{marker}"
    if isinstance(node, (m.Strong, m.PersonaRef)):
        return f"**{_inlines(node.children, line_start)}**"
    if isinstance(node, m.Strikeout):
        return f"~~{_inlines(node.children, line_start)}~~"
    if isinstance(node, m.Code):
        fence = "`" * (_longest_run(node.text, "`") + 1)
        pad = " " if node.text.startswith("`") or node.text.endswith("`") else ""
        return f"{fence}{pad}{node.text}{pad}{fence}"
    if isinstance(node, m.Link):
        return f"[{_inlines(node.children, False)}]({_destination(node.url, node.title)})"
    if isinstance(node, m.Image):
        return f"![{_inlines(node.alt, False)}]({_destination(node.url, node.title)})"
    if isinstance(node, m.StageDirection):
        return _direction(node, before, after)
    if isinstance(node, m.InlineNote):
        return f"[{_inlines(node.inlines, False)}]"
    raise TypeError(f"cannot format {type(node).__name__}")


def _first_char(node: m.Inline | None) -> str:
    if isinstance(node, m.Text):
        return node.text[:1]
    return ""


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum())


def _destination(url: str, title: str) -> str:
    target = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    if title:
        escaped = title.replace('"', '\\"')
        target += f' "{escaped}"'
    return target


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def _escape_text(text: str, at_line_start: bool) -> str:
    """Escape only what the reader would otherwise take for markup."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*`])", r"\\\1", text)
    text = re.sub(r"~~", r"\\~\\~", text)
    # `_` opens or closes emphasis only at a word's edge.
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    text = re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", text)
    text = re.sub(r"!\[", r"\\![", text)
    if at_line_start:
        match = LINE_START_SPECIAL.match(text)
        if match:
            start = len(match.group(1))
            head = text[start:]
            if number := re.match(r"\d+", head):
                digits = number.group(0)
                text = text[:start] + digits + "\\" + head[len(digits):]
            else:
                text = text[:start] + "\\" + head
    return text
