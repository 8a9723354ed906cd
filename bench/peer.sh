#!/bin/sh
# The peer pipeline: the script a user would write by hand instead of `publish all`, run on
# the same manuscripts. One book: OUT.epub with pandoc, OUT.pdf with pandoc | weasyprint.
#   peer.sh OUT TITLE FILE...
# PANDOC and WEASYPRINT name the binaries (bench/run.py sets them to the ones we ship).
set -e
out=$1; title=$2; shift 2
dir=$(dirname "$1")
"$PANDOC" -s -t epub3 --metadata title="$title" --resource-path="$dir" -o "$out.epub" "$@"
"$PANDOC" -s -t html5 --metadata title="$title" "$@" | "$WEASYPRINT" -q -u "$dir/" - "$out.pdf"
