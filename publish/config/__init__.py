"""`book.yaml` -> a frozen, typed configuration, validated once, with errors at file:line:col.

settings.py declares every key once (the typed config, with each key's kind, documentation
and choices); reader.py reads book.yaml against those declarations; schema.py derives the
JSON Schema of book.yaml (schema/book.schema.json) and its reference (docs/book-yaml.md);
yaml_edit.py edits the author's book.yaml for `publish new`, keeping its comments.

May import: publish.support, publish.model.
"""

from publish.config.reader import find_root, load
from publish.config.settings import (
    BOOK_NAMESPACE,
    CONFIG_NAME,
    PAPERS,
    PDF_VARIANTS,
    PROFILES,
    STYLE_TRIMS,
    STYLES,
    TRIMS,
    BookConfig,
    Config,
    PlayConfig,
    PrintConfig,
    ProofConfig,
)

__all__ = ["BOOK_NAMESPACE", "CONFIG_NAME", "PAPERS", "PDF_VARIANTS", "PROFILES", "STYLES",
           "STYLE_TRIMS", "TRIMS", "BookConfig", "Config", "PlayConfig", "PrintConfig",
           "ProofConfig", "find_root", "load"]
