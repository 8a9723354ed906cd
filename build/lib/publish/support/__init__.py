"""Process and file-system support with no knowledge of plays or books: atomic outputs, the
garbage collector's policy, content digests and the installed libraries' versions.

May import: the standard library only (no other `publish` package).
"""
