"""Run one command and print its wall time and the peak memory of its largest process as
JSON: {"seconds": s, "peak_mb": m, "status": n}. A process of its own, so that
RUSAGE_CHILDREN's ru_maxrss (the largest resident set of any waited-for descendant, the
render processes included) covers this one command only."""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "status": status}))
