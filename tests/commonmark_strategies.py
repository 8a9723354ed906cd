"""Hypothesis strategies for Markdown drawn from the whole CommonMark grammar (spec 0.31),
not only play-shaped text: every inline (entities, backslash escapes, emphasis and strong
emphasis in both delimiters, code spans with backticks and spaces inside, inline, reference,
collapsed and shortcut links and images with every destination and title form, URL and
email autolinks, inline HTML, hard and soft breaks) and every block (ATX headings with
closing sequences, setext headings, thematic breaks, fenced and indented code, the seven
kinds of HTML block, link reference definitions, paragraphs, block quotes with lazy
continuation lines, bullet and ordered lists nested, tight and loose), mixed with the
manuscript conventions (speaker tags, directions, notes, letters' header blocks).
"""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = st.sampled_from([
    "hello", "world", "Simplicia", "naïve", "α–β", "⟺", "it's", "don’t", "“curly”", '"straight"',
    "—", "...", "…", "a_b", "x*y", "1.", "2)", "-", "+", "#", "##", "=", "===", "~", "~~", "$5",
    "a\\b", "&", "<", ">", "|", "!", "(x)", "[", "]", "[sic]", "[...]", "learn[ing]", "`", "```",
    "*", "_", "**", "__", "\\", "http://example.com/a_b?c=d&e=f", "user@example.com", "ß", "ǅ",
    "\u00a0", "\t", "TODO", "From", ":",
])
ENTITIES = st.sampled_from([
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&copy;", "&#10;", "&#13;", "&#9;", "&#32;",
    "&#91;", "&#93;", "&#42;", "&#95;", "&#x5B;", "&#X22;", "&#35;", "&#0;", "&#1234567;",
    "&bogus;", "&amp", "&#;", "&#x;",
])
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
ESCAPES = st.sampled_from([f"\\{char}" for char in PUNCTUATION] + ["\\a", "\\é", "\\ "])
URLS = st.sampled_from([
    "https://example.com/x", "http://a.b/c_d(e)", "/relative/path.png", "img.png", "#anchor", "",
    "https://example.com/a\\_b", "https://example.com/&amp;", "https://x.y/a b", "mailto:a@b.c",
    "javascript:alert(1)", "https://x.y/(paren", "https://x.y/<angle>", "https://x.y/\\\\",
])
TITLES = st.sampled_from(['', ' "a title"', " 'single'", " (paren)", ' "with \\"quote\\""',
                          ' "a\nline"', ' "&amp; \\* x"'])
HTML_INLINE = st.sampled_from([
    "<span>", "</span>", '<a href="x">', "<br/>", "<!-- a comment -->", "<?php echo 1; ?>",
    "<![CDATA[x]]>", "<!DOCTYPE x>", "<em\nclass='x'>", "<dest\nwith newline>", "<notatag",
])
AUTOLINKS = st.sampled_from([
    "<https://example.com>", "<http://a\\_b.com>", "<mailto:a@b.c>", "<a@b.c>",
    "<https://x.y/a*b*>", "<irc://foo.bar:2233/baz>", "<http://a&amp;b>", "<https://x.y/[x]>",
])
DRAMA_INLINE = st.sampled_from([
    "_[scoffing]_", "[A beat.]", "[_whispering_]", "[**Simplicia** nods]", "[TODO: fix]",
    "[...]", "[…]", "[1]", "[^2]", "[sic]", "[redacted]", "[emphasis added]", "learn*[ing]*",
    "[T]he", '"it [the model] learns"', "\\[escaped]", "[[00:12:31]](https://x.y/a.mp3)",
])


@st.composite
def code_span(draw) -> str:
    content = draw(st.text(alphabet=" `ab*_[]\\", min_size=1, max_size=8))
    ticks = "`" * draw(st.integers(1, 3))
    return f"{ticks}{content}{ticks}"


@st.composite
def emphasis(draw, inner) -> str:
    delimiter = draw(st.sampled_from(["*", "_", "**", "__", "***", "~~"]))
    text = draw(inner)
    if draw(st.booleans()):
        return f"{delimiter}{text}{delimiter}"
    return f"a{delimiter}{text}{delimiter}b"  # intraword


@st.composite
def link(draw, inner) -> str:
    text = draw(inner)
    form = draw(st.sampled_from(["inline", "angle", "full", "collapsed", "shortcut", "image",
                                 "nested", "newline"]))
    url, title = draw(URLS), draw(TITLES)
    if form == "inline":
        return f"[{text}]({url}{title})"
    if form == "angle":
        return f"[{text}](<{url}>{title})"
    if form == "full":
        return f"[{text}][ref]"
    if form == "collapsed":
        return "[ref][]"
    if form == "shortcut":
        return "[ref]"
    if form == "image":
        return f"![{text}]({url}{title})"
    if form == "nested":
        return f"[a [{text}] b]({url})"
    return f"[{text}](<dest\nwith newline>)"


INLINE = st.recursive(WORDS | ENTITIES | ESCAPES | HTML_INLINE | AUTOLINKS | DRAMA_INLINE | code_span(),
                      lambda inner: emphasis(inner) | link(inner), max_leaves=4)


SEPARATORS = st.sampled_from([" ", " ", " ", "", "\n", "  \n", "\\\n", "\t"])


@st.composite
def inline_text(draw) -> str:
    pieces = draw(st.lists(INLINE, min_size=1, max_size=8))
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(SEPARATORS) + piece
    return out


@st.composite
def paragraph(draw) -> str:
    prefix = draw(st.sampled_from(["", "", "", "**Simplicia**: ", "**A** and **B**: ", "Simplicia: ",
                                   "**Key:** ", "   "]))
    return prefix + draw(inline_text())


@st.composite
def header_block(draw) -> str:
    keys = draw(st.lists(st.sampled_from(["From", "To", "Date", "Subject", "Attachment", "Cc",
                                          "Name", "Simplicia"]), min_size=1, max_size=4))
    lines = [f"**{key}**: {draw(inline_text())}".replace("\n", " ") for key in keys]
    return draw(st.sampled_from(["  \n", "\\\n", "\n"])).join(lines)


@st.composite
def atx_heading(draw) -> str:
    level = "#" * draw(st.integers(1, 7))
    text = draw(inline_text()).replace("\n", " ")
    closing = draw(st.sampled_from(["", " #", " ###", " \\###", "###", " # ", " #\\#"]))
    return f"{level} {text}{closing}" if draw(st.integers(0, 9)) else level


@st.composite
def setext_heading(draw) -> str:
    return f"{draw(inline_text())}\n{draw(st.sampled_from(['===', '---', '=', '-  -']))}"


THEMATIC = st.sampled_from(["***", "---", "___", "- - -", " **  * ** * ** * **", "----------", "-----"])


@st.composite
def fenced_code(draw) -> str:
    fence = draw(st.sampled_from(["```", "~~~", "````", "~~~~"]))
    info = draw(st.sampled_from(["", "python", "a`b", " x y "]))
    body = draw(st.lists(st.sampled_from(["code", "```", "~~~", "  indented", "", "<div>", "**x**"]),
                         max_size=4))
    closing = draw(st.sampled_from([fence, fence + "`" if fence[0] == "`" else fence + "~", ""]))
    return "\n".join([fence + info, *body, closing]).rstrip("\n") if closing else \
        "\n".join([fence + info, *body])


@st.composite
def indented_code(draw) -> str:
    lines = draw(st.lists(st.sampled_from(["code", "  more", "", "*x*", "tab\there"]), min_size=1, max_size=3))
    lines[0] = lines[0] or "x"
    return "\n".join("    " + line if line else "" for line in lines)


HTML_BLOCK = st.sampled_from([
    "<div>\n*x*\n</div>", "<div>\nx\n\ny\n</div>", "<!-- comment\n\nstill -->", "<pre>\na\n\nb\n</pre>",
    "<script>\nvar a = 1;\n\n</script>", "<?php\n\n?>", "<!DOCTYPE html>", "<![CDATA[\nx\n\n]]>",
    "<custom-tag>\ntext", "<table><tr><td>\nx\n</td></tr></table>", "</div>\n**not bold**",
    "<style>p{}</style>", "<textarea>\n\n*x*\n</textarea>",
])
DEFINITION = st.sampled_from([
    "[ref]: https://example.com/ref", '[ref]: <https://x.y/a b> "title"', "[ref]:\n/url\n'title'",
    "[REF]: /upper", "[other]: /other",
])


@st.composite
def block_quote(draw, inner) -> str:
    blocks = draw(st.lists(inner, min_size=1, max_size=3))
    text = "\n\n".join(blocks)
    lazy = draw(st.booleans())
    lines = text.split("\n")
    return "\n".join(("> " + line) if (index == 0 or not lazy) else line
                     for index, line in enumerate(lines))


@st.composite
def bullet_list(draw, inner) -> str:
    marker = draw(st.sampled_from(["-", "+", "*"]))
    return _list_items(draw, inner, lambda index: marker)


@st.composite
def ordered_list(draw, inner) -> str:
    start = draw(st.integers(0, 12))
    delimiter = draw(st.sampled_from([".", ")"]))
    return _list_items(draw, inner, lambda index: f"{start + index}{delimiter}")


def _list_items(draw, inner, marker) -> str:
    items = draw(st.lists(st.lists(inner, max_size=2), min_size=1, max_size=3))
    loose = draw(st.booleans())
    out = []
    for index, blocks in enumerate(items):
        head = marker(index)
        indent = " " * (len(head) + 1)
        text = "\n\n".join(blocks)
        lines = text.split("\n") if text else [""]
        out.append(f"{head} {lines[0]}".rstrip() + "".join(
            ("\n" + indent + line) if line else "\n" for line in lines[1:]))
    return ("\n\n" if loose else "\n").join(out)


BLOCK = st.recursive(
    paragraph() | atx_heading() | setext_heading() | THEMATIC | fenced_code() | indented_code()
    | HTML_BLOCK | DEFINITION | header_block(),
    lambda inner: block_quote(inner) | bullet_list(inner) | ordered_list(inner), max_leaves=6)


@st.composite
def markdown_document(draw) -> str:
    blocks = draw(st.lists(BLOCK, min_size=1, max_size=6))
    separators = [draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"])) for _ in blocks]
    text = blocks[0]
    for separator, block in zip(separators[1:], blocks[1:], strict=True):
        text += separator + block
    return text + draw(st.sampled_from(["\n", "", "\n\n"]))
