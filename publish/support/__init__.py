"""Process and file-system support with no knowledge of plays or books: atomic outputs, the
garbage collector's policy, content digests, the installed libraries' versions and a
scratch folder of the user's own (fontconfig's cache, fonts' character maps).

May import: the standard library only (no other `publish` package).
"""
