"""One renderer per output: html (shared markup), pdf (print), proof (proof PDF), epub.

WeasyPrint and ebooklib are imported only inside their renderers, so commands that do not
render (`check`, `ast`, `fmt`) never pay for importing them.
"""
