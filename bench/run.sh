#!/usr/bin/env bash
# The benchmark suite in one command (see bench/README.md): installs wrk from Debian if it
# is missing, then runs bench/run.py with the project's virtualenv. Arguments go to run.py,
# e.g. `bench/run.sh --runs 5`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "==> installing wrk (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  make .venv/bin/eventhub
fi
if ! .venv/bin/python -c "import granian" 2>/dev/null; then
  echo "==> installing the bench extra (granian, for the server comparison)"
  .venv/bin/pip install --quiet -e '.[bench]'
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432 (set BENCH_POSTGRES_URL, or --skip postgresql)" >&2
fi
exec .venv/bin/python bench/run.py "$@"
