"""The book HTML -> PDF through WeasyPrint, reading only project files, never the network."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from publish.errors import ToolError
from publish.render.assets import ProjectFiles


def write_pdf(html: str, base_dir: Path, files: ProjectFiles, output: Path) -> int:
    """Lay out `html` and write the PDF to `output`; returns the page count."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectOnlyFetcher(URLFetcher):
        """Serves file: URLs inside the project and the styles; refuses everything else."""

        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"not fetched (only project files are read): {url}")
            path = Path(url[len("file://"):].split("?")[0])
            if not files.allows(path):
                raise ValueError(f"not fetched (outside the project): {url}")
            return URLFetcherResponse(url, body=path.read_bytes())

    # WeasyPrint reports what it skips through logging; the CLI decides what to show.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(
            string=html, base_url=base_dir.as_uri() + "/", url_fetcher=ProjectOnlyFetcher()
        ).render()
        document.write_pdf(output)
    except (OSError, ValueError, AssertionError) as exc:
        raise ToolError(f"WeasyPrint could not render {output.name}: {exc}") from exc
    return len(document.pages)
