"""One renderer per output, from the model to bytes: markup and html (the shared markup),
page (print page geometry), pdf (print, through WeasyPrint's public API), proof and
proof_parts (the proof PDF, laid out per play and merged), epub, epub_markup and epub_nav
(the EPUB 3, through ebooklib), pagemap (where print pages begin, for the EPUB's page-list),
assets and fontsubset (stylesheets and fonts), fonts (the font stack: shipped faces and the
book's `fonts:`), coverage (every character has a glyph: M501, and the labelled boxes where
one has none), cover; and weasy/, the one place that reaches into WeasyPrint's internals
(environment.py: the fontconfig configuration of our own, the hyphenation patterns).

WeasyPrint and ebooklib are imported only inside their renderers, so commands that do not
render (`check`, `ast`, `fmt`) never pay for importing them.

May import: publish.support, publish.model, publish.config, publish.reading.
"""
