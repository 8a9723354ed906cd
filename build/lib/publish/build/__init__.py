"""The build: from a project's config to files in dist/.

jobs (plain types: what to build, what was built) -> assemble (manuscripts parsed, in
parallel, into books) -> plan (which outputs to render, what the cache holds, what waits for
what) -> workers (the render processes, given the task function) -> outputs (one output of
one book, rendered and written atomically); keys (cache keys) and cache (the store); stamp
(the commit and build date).

May import: publish.support, publish.model, publish.config, publish.reading, publish.render.
"""
