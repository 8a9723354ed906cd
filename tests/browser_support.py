"""Debian's headless Chromium, driven by Selenium through Debian's chromedriver, showing
unpacked EPUBs the way a reading system built on a browser engine does.

Nothing is downloaded: the browser and its driver are the system's (`chromium`,
`chromium-driver`; `.ci/run` installs them), Selenium Manager never runs (both paths are
given), the profile is a fresh folder, and every background service that would reach the
network is off. The EPUBs are served from a folder over HTTP on 127.0.0.1 (a `file:` page
may not read its own stylesheet's rules, and reading systems serve their books too).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--hide-scrollbars", "--disable-extensions", "--mute-audio")
MEASURE_JS = (Path(__file__).resolve().parent / "browser_measure.js").read_text(encoding="utf-8")


def browser_paths() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why they cannot be used."""
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    missing = [name for name, path in (("chromium", browser), ("chromedriver (chromium-driver)", driver))
               if not path]
    if missing:
        return ("browser tests NOT RUN: no " + " and no ".join(missing)
                + " on PATH (Debian: apt-get install chromium chromium-driver; .ci/run does)")
    return browser, driver  # type: ignore[return-value]


def start_browser(browser: str, driver: str, profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def set_viewport(session, width: int, height: int) -> None:
    """The page's viewport exactly `width` x `height` CSS pixels at one device pixel per CSS
    pixel (a window size would include whatever the platform adds around it)."""
    session.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def measure(session) -> dict:
    """What browser_measure.js reads from the page loaded, once its fonts are ready. After
    `set_viewport` the page is laid out anew at the new width (media queries included), so
    one load serves every width."""
    return session.execute_async_script(MEASURE_JS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # As an EPUB's manifest says, whatever the machine's /etc/mime.types holds: served as
    # text/html, a content document would lose its epub:type namespace.
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".xhtml": "application/xhtml+xml", ".css": "text/css", ".otf": "font/otf",
                      ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 for the duration; yields its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
