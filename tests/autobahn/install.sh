#!/usr/bin/env bash
# Idempotently install the Autobahn Testsuite (wstest) into tests/autobahn/venv.
#
# wstest runs on Python 2.7 only. Debian 12 has no python2 package, so we use pyenv's 2.7.18
# (in the base image; override with PY27=/path/to/python2.7) and fail loudly when it is absent:
# a missing Autobahn run must never look like a passing one.
#
# Pins: requirements.txt (autobahntestsuite 25.10.1 + every transitive dep). The venv carries a
# stamp with the hash of requirements.txt; a matching stamp and a working `wstest -a` make this
# a no-op (~0.5 s). A fresh install takes 25-90 s (wsaccel, autobahn, txaio build from sdists;
# the rest is download time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv="$here/venv"
reqs="$here/requirements.txt"
stamp="$venv/.wsframe-stamp"
# The last virtualenv release that runs on (and creates) Python 2.7 environments.
virtualenv_pin="virtualenv==20.15.1"

find_py27() {
    if [[ -n "${PY27:-}" ]]; then
        echo "$PY27"
        return
    fi
    local root
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root)
    else
        root=${PYENV_ROOT:-$HOME/.pyenv}
    fi
    local candidate
    for candidate in "$root/versions/2.7.18/bin/python" "$(command -v python2.7 || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    done
}

py27=$(find_py27)
if [[ -z "$py27" ]] || ! "$py27" -c 'import sys; assert sys.version_info[:2] == (2, 7)' 2>/dev/null; then
    echo "error: Python 2.7 not found (needed by the Autobahn Testsuite's wstest)." >&2
    echo "       Looked for \$PY27, \$(pyenv root)/versions/2.7.18/bin/python and python2.7." >&2
    echo "       Install it with 'pyenv install 2.7.18' or set PY27=/path/to/python2.7." >&2
    exit 1
fi

# Several harness runs (Rust and C examples) may start at once: one installs, the others wait.
exec 9<"$reqs"
flock 9

want="$(sha256sum "$reqs" | cut -d' ' -f1) $py27"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$venv/bin/wstest" -a >/dev/null 2>&1; then
    echo "autobahn: wstest already installed ($("$venv/bin/wstest" -a | tail -1))"
    exit 0
fi

echo "autobahn: installing wstest into $venv (Python: $py27)"
start=$SECONDS
rm -rf "$venv"
if ! "$py27" -c "import virtualenv" 2>/dev/null; then
    "$py27" -m pip install --quiet --user --no-warn-script-location "$virtualenv_pin"
fi
"$py27" -m virtualenv --quiet "$venv"
# --no-deps: requirements.txt lists the complete, pinned dependency closure.
log="$venv/pip-install.log"
if ! "$venv/bin/pip" install --no-deps -r "$reqs" >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: pip could not install the Autobahn Testsuite (log above)." >&2
    exit 1
fi
"$venv/bin/wstest" -a
echo "$want" >"$stamp"
echo "autobahn: installed in $((SECONDS - start)) s"
