"""The author's commands beyond building: `publish new` and `clean` (project), `watch`, `fmt`
on files (format_files), and the terminal tables the CLI prints (built here, printed there).

May import: everything below it (support, model, config, reading, render, build). Only
publish.cli, above it, prints.
"""
