"""publish: plays written in Markdown into print PDF, EPUB 3 and proofreading PDF."""

__version__ = "0.1.0"
