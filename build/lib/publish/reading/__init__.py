"""Reading manuscripts: bytes to the drama model, and the model back to the canonical dialect.

source (decoding, limits) -> pandoc (the only caller of pandoc) -> positions + atoms (the AST
with source places, flattened) -> recognize (the manuscript conventions) -> normalize (the
block-level pass) -> check (semantic checks); fmt writes the model back as canonical Markdown;
files says which project files (images) a manuscript may name; revision reads a play as it
was at a git revision.

May import: publish.support, publish.model, publish.config.
"""
