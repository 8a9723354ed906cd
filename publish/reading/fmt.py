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
from publish.reading.fmt_brackets import Escaped, escape_all_brackets, protect_brackets

LETTER_BREAK = "  \n"  # a hard line break in a letter, as authors write an email's lines
LINE_START_SPECIAL = re.compile(
    r"^(\s*)(#{1,6}(\s|$)|>|[-+*](\s|$)|\d{1,9}[.)](\s|$)|=+\s*$|-+\s*$|`{3,}|~{3,})")


def format_play(play: m.Play) -> str:
    """The canonical Markdown of one play, ending with a single newline."""
    return join_chunks(play_chunks(play))


def join_chunks(chunks: list[str]) -> str:
    return "\n\n".join(chunk for chunk in chunks if chunk) + "\n"


def play_chunks(play: m.Play) -> list[str]:
    """The Markdown of each part of a play, in order: its title (if written), each block of
    its front matter, and each division's heading and blocks, then the back matter (the
    parts `reformat.py` can keep as they were written, one by one); "" for an absent one."""
    chunks: list[str] = []
    if play.meta.title_in_text:
        title = play.meta.title + (f": {play.meta.subtitle}" if play.meta.subtitle else "")
        chunks.append("## " + _heading_text(title))
    chunks.extend(_drama(block) for block in play.front)
    implicit = len(play.body) == 1 and not play.front  # a play written without headings
    for division in play.body:
        chunks.append(_division_heading(division) or ("" if implicit else "###"))
        chunks.extend(_drama(block) for block in division.blocks)
    return chunks


def _division_heading(division: m.Division) -> str:
    if division.number:
        title = f": {_escape_text(division.title, at_line_start=False)}" if division.title else ""
        return _heading_text(f"### {division.kind.capitalize()} {division.number}{title}", escape=False)
    if division.title:
        return "### " + _heading_text(division.title)
    return ""


def _heading_text(text: str, escape: bool = True) -> str:
    """A heading's text, escaped; a closing run of `#` written `\\#`, or the reader would
    take it for the heading's optional closing sequence (`### foo \\###`)."""
    if escape:
        text = _escape_text(text, at_line_start=False)
    match = re.search(r"(^|[ \t])(#+)[ \t]*$", text)
    if match:
        text = text[:match.start(2)] + "\\" + text[match.start(2):]
    # The reader strips the spaces around a heading's text.
    return re.sub(r"[ \t]+$", _as_entities, re.sub(r"^[ \t]+", _as_entities, text))


# ---------------------------------------------------------------- drama blocks


def _drama(node: m.DramaBlock) -> str:
    if isinstance(node, m.Speech):
        return _speech(node)
    if isinstance(node, m.StageDirection):
        return _direction(node, before="", after="")
    if isinstance(node, m.Note):
        return _note(node)
    if isinstance(node, m.Prose):
        return "\n\n".join(_blocks(node.blocks, drama=True))
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
        head += " " + _inlines(protect_brackets(first.inlines), at_line_start=False)
    rest = _blocks(tuple(paragraphs), drama=True)
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


def _blocks(nodes: tuple[m.Block, ...], drama: bool = False, in_item: bool = False) -> list[str]:
    """Blocks in order; two lists in a row get different markers, or they would merge.
    `drama`: the blocks of a speech or between speeches, where brackets may be directions;
    `in_item`: the blocks of a list item, where a list that comes first starts flush."""
    parts = []
    previous = None
    alternate = False
    for index, node in enumerate(nodes):
        adjacent_list = (isinstance(node, m.ListBlock) and isinstance(previous, m.ListBlock)
                         and node.ordered == previous.ordered)
        alternate = (not alternate) if adjacent_list else False
        parts.append(_list(node, alternate, flush=in_item and index == 0) if isinstance(node, m.ListBlock)
                     else _block(node, drama))
        previous = node
    return parts


def _block(node: m.Block, drama: bool = False) -> str:
    if isinstance(node, m.Paragraph):
        return _inlines(protect_brackets(node.inlines) if drama else node.inlines, at_line_start=True)
    if isinstance(node, m.Heading):
        if node.level <= 2 and any(isinstance(n, (m.SoftBreak, m.LineBreak)) for n in node.inlines):
            # Lines an ATX heading cannot hold: the setext form, underlined.
            return _inlines(node.inlines, at_line_start=True) + "\n" + ("=" if node.level == 1 else "-") * 3
        return "#" * max(1, node.level) + " " + _heading_text(_inlines(node.inlines, at_line_start=False),
                                                              escape=False)
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
    if isinstance(node, m.Letter):
        body = [_inlines(block.inlines, at_line_start=True, hard=LETTER_BREAK)
                if isinstance(block, m.Paragraph) else part
                for block, part in zip(node.blocks, _blocks(node.blocks), strict=True)]
        return "\n\n".join([_fields(node.headers), *body])
    if isinstance(node, m.FieldList):
        return _fields(node.fields)
    raise TypeError(f"cannot format {type(node).__name__}")


def _fields(fields: tuple[m.HeaderField, ...]) -> str:
    """A header block as authors write an email's: `**Key**: value` lines ended by two
    spaces (a hard break)."""
    lines = []
    for field in fields:
        value = _inlines(field.value, False, hard=LETTER_BREAK)
        # `**Role**:` ended by a break, its value on the lines below: no space before it.
        space = "" if not field.value or isinstance(field.value[0], m.LineBreak) else " "
        lines.append(f"**{_escape_text(field.key, False)}**:{space}{value}")
    return LETTER_BREAK.join(lines)


def _list(node: m.ListBlock, alternate: bool = False, flush: bool = False) -> str:
    """A list, bullets written ` * ` as the author does; `flush` (a list opening a list item)
    without the space before the bullet, which would move the item's content right."""
    items = []
    for index, item in enumerate(node.items):
        if node.ordered:
            marker = f"{node.start + index}{')' if alternate else '.'}"
        else:
            marker = ("-" if alternate else "*") if flush else (" -" if alternate else " *")
        body = "\n\n".join(_blocks(item, in_item=True)) if item else ""
        lines = body.split("\n")
        indent = " " * (len(marker) + 1)
        text = f"{marker} {lines[0]}" + "".join(
            ("\n" + indent + line) if line else "\n" for line in lines[1:])
        items.append(text)
    # A blank line between items would make the list loose; the author writes tight lists.
    tight = all(len(item) <= 1 for item in node.items)
    return ("\n" if tight else "\n\n").join(items)


# ---------------------------------------------------------------- inlines


def _inlines(nodes: tuple[m.Inline, ...], at_line_start: bool, in_direction: bool = False,
             hard: str = "\\\n") -> str:
    """Inlines as Markdown; `hard`: how a hard line break is written (a backslash, or in
    letters two spaces, as authors write an email's lines)."""
    out: list[str] = []
    line_start = at_line_start
    for index, node in enumerate(nodes):
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        before = "".join(out)[-1:] if out else ""
        text = _inline(node, line_start, before, following, in_direction, hard)
        out.append(text)
        line_start = isinstance(node, (m.SoftBreak, m.LineBreak))
    return "".join(out)


def _inline(node: m.Inline, line_start: bool, before: str, following: m.Inline | None,
            in_direction: bool, hard: str = "\\\n") -> str:
    if isinstance(node, Escaped):  # before Text, which it extends
        return node.text
    if isinstance(node, m.Text):
        text = _escape_text(node.text, line_start)
        # Spaces the reader strips at the start and end of a line: written as entities.
        if line_start:
            text = re.sub(r"^[ \t]+", _as_entities, text)
        if following is None or isinstance(following, (m.SoftBreak, m.LineBreak)):
            text = re.sub(r"[ \t]+$", _as_entities, text)
        if isinstance(following, m.Link) and text.endswith("!") and not text.endswith("\\!"):
            text = text[:-1] + "\\!"  # not an image
        return text
    if isinstance(node, m.SoftBreak):
        return "\n"
    if isinstance(node, m.LineBreak):
        return hard
    after = _first_char(following)
    if isinstance(node, m.Emph):
        inner = _delimited(_inlines(node.children, line_start, hard=hard))
        marker = "*" if in_direction or _is_word(before) or _is_word(after) else "_"
        if marker == "_" and (inner.startswith("_") or inner.endswith("_")):
            marker = "*"  # `__x__` would be strong
        return f"{marker}{inner}{marker}"
    if isinstance(node, (m.Strong, m.PersonaRef)):
        inner = _delimited(_inlines(node.children, line_start, hard=hard))
        # Strong inside strong: the outer one `__`, where no word touches it.
        marker = "__" if (isinstance(node, m.Strong) and "**" in inner and not _is_word(before)
                          and not _is_word(after) and not in_direction) else "**"
        return f"{marker}{inner}{marker}"
    if isinstance(node, m.Strikeout):
        return f"~~{_delimited(_inlines(node.children, line_start, hard=hard))}~~"
    if isinstance(node, m.Code):
        return _code_span(node.text)
    if isinstance(node, m.Link):
        autolink = _autolink(node)
        if autolink:
            return autolink
        return f"[{_link_text(node.children)}]({_destination(node.url, node.title)})"
    if isinstance(node, m.Image):
        return f"![{_link_text(node.alt)}]({_destination(node.url, node.title)})"
    if isinstance(node, m.StageDirection):
        return _direction(node, before, after)
    if isinstance(node, m.InlineNote):
        return f"[{_inlines(node.inlines, False)}]"
    raise TypeError(f"cannot format {type(node).__name__}")


def _delimited(inner: str) -> str:
    """Emphasis content: a space at either end as an entity, or the delimiters around it
    would not open or close."""
    if inner[:1].isspace():
        inner = f"&#{ord(inner[0])};" + inner[1:]
    if inner[-1:].isspace() and not inner.endswith("\n"):
        inner = inner[:-1] + f"&#{ord(inner[-1])};"
    return inner


def _as_entities(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(char)};" for char in match.group(0))


def _first_char(node: m.Inline | None) -> str:
    if isinstance(node, m.Text):
        return node.text[:1]
    return ""


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum())


def _code_span(text: str) -> str:
    """A code span: a fence longer than any backtick run inside, and a space inside each end
    when the code starts or ends with a backtick, or with a space at both ends (the reader
    takes one such pair away)."""
    fence = "`" * (_longest_run(text, "`") + 1)
    padded = text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip(" ") != "")
    pad = " " if padded else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_AUTOLINK_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f]*")
_AUTOLINK_EMAIL = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
                             r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*")


def _autolink(node: m.Link) -> str:
    """`<url>` for a link whose text is its URL (or its address, for `mailto:`), as the
    author wrote it: the form that also stays a link inside another link's text."""
    if node.title or len(node.children) != 1 or not isinstance(node.children[0], m.Text):
        return ""
    text = node.children[0].text
    if text == node.url and _AUTOLINK_URI.fullmatch(text):
        return f"<{text}>"
    if node.url == "mailto:" + text and _AUTOLINK_EMAIL.fullmatch(text):
        return f"<{text}>"
    return ""


def _link_text(children: tuple[m.Inline, ...]) -> str:
    """A link's text; the brackets of its words escaped unless they pair up (`[[00:12:31]](…)`)
    and could not be read as a link of their own."""
    words = "".join(n.text for n in m.walk(children) if isinstance(n, m.Text))
    depth = 0
    for char in words:
        depth += 1 if char == "[" else -1 if char == "]" else 0
        if depth < 0:
            break
    return _inlines(escape_all_brackets(children) if depth or "](" in words else children, False)


def _destination(url: str, title: str) -> str:
    """A link's destination and title, escaped so that the reader gives them back: every
    backslash doubled, an `&` that would start an entity escaped."""
    escaped_url = re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", url.replace("\\", "\\\\"))
    if re.search(r"[\s()<>]", url) or not url:
        target = "<" + re.sub(r"([<>])", r"\\\1", escaped_url) + ">"
    else:
        target = escaped_url
    if title:
        escaped = re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", title.replace("\\", "\\\\")).replace('"', '\\"')
        escaped = re.sub(r"[\x01-\x1f\x7f]", lambda match: f"&#{ord(match.group(0))};", escaped)
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
    text = text.replace("](", "\\](")  # never the middle of a link
    # Control characters (a line break, a tab) the reader would turn into a break or a
    # space: written as entities.
    text = re.sub(r"[\x01-\x1f\x7f]", lambda match: f"&#{ord(match.group(0))};", text)
    text = re.sub(r"(?<= ) ", "&#32;", text)  # the reader makes one space of several
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
