#!/usr/bin/env bash
# The test command of manila_bk (README, .ci/run): builds or reuses the
# virtualenv at .venv, makes sure the local services answer, then runs the
# pep8 checks, the unit tests, the functional tests and the docs build.
#
#   tools/run-tests.sh                 everything
#   tools/run-tests.sh --pep8          flake8 + hacking + check_no_eventlet
#                                      + shellcheck of devstack/
#   tools/run-tests.sh --unit [REGEX]  unit tests (also the driver compliance
#                                      suites, which run from unit/ modules)
#   tools/run-tests.sh --functional    functional tests (real processes;
#                                      the Keystone test installs Keystone
#                                      into ~/.cache/manila-bk-keystone-venv)
#   tools/run-tests.sh --docs          sphinx-build -W of doc/source (with
#                                      doc/requirements.txt in the venv)
#   tools/run-tests.sh --install-only  build .venv and stop
#
# --pep8, --unit, --functional and --docs combine.  A REGEX after the
# options is passed to stestr as a test filter.  Every part runs even if an
# earlier one failed; the exit status is non-zero if any failed.  The last
# line is "N passed, M failed": test counts from stestr, plus one failure
# for each part that failed without test counts (pep8, docs, a test run
# that did not load).
#
# Environment: PYTHON (interpreter for the venv, default python3),
# MANILA_BK_VENV (default .venv).  The functional tests read the service
# URLs from MANILA_BK_TEST_MYSQL_URL, MANILA_BK_TEST_PG_URL and
# MANILA_BK_TEST_RABBIT_URL (manila_bk/tests/functional/fixtures.py; the
# defaults are the local services that tools/ensure-services.sh checks).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
VENV=${MANILA_BK_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}
STAMP=$VENV/.manila_bk-install-stamp

run_pep8=0 run_unit=0 run_functional=0 run_docs=0 install_only=0
filters=()
for arg in "$@"; do
    case $arg in
        --pep8) run_pep8=1 ;;
        --unit) run_unit=1 ;;
        --functional) run_functional=1 ;;
        --docs) run_docs=1 ;;
        --install-only) install_only=1 ;;
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, "");
                                 print}' "$0"; exit 0 ;;
        -*) echo "run-tests.sh: unknown option $arg (see --help)" >&2
            exit 2 ;;
        *) filters+=("$arg") ;;
    esac
done
if (( run_pep8 + run_unit + run_functional + run_docs == 0 )); then
    run_pep8=1 run_unit=1 run_functional=1 run_docs=1
fi

log() { printf '==> %s\n' "$*"; }

# pbr computes the version from git; without a tag (or without git
# metadata at all) an explicit version keeps the install working.
if [[ -z ${PBR_VERSION:-} ]] && ! git describe --tags >/dev/null 2>&1; then
    export PBR_VERSION=0.1.0
fi

install_stamp() {
    # Reinstall only when what decides the install changed.
    cat requirements.txt test-requirements.txt setup.cfg setup.py \
        | sha256sum | cut -d' ' -f1
}

# This machine's pip config names index folders that may not exist; drop
# pip's warnings about them so the real messages stay readable.
pip_install() {
    "$VENV/bin/python" -m pip install --quiet --no-input "$@" 2>&1 \
        | sed '/is ignored: it is neither a file nor a directory/d'
}

ensure_venv() {
    local started=$SECONDS
    if [[ ! -x $VENV/bin/python ]]; then
        log "creating virtualenv $VENV with $($PYTHON --version 2>&1)"
        "$PYTHON" -m venv "$VENV"
    fi
    local want
    want=$(install_stamp)
    if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]] \
            && "$VENV/bin/python" -c 'import manila_bk' 2>/dev/null; then
        log "virtualenv $VENV is up to date"
        return
    fi
    log "installing requirements and manila_bk into $VENV"
    rm -f "$STAMP"
    pip_install -r requirements.txt -r test-requirements.txt
    pip_install --no-deps -e .
    echo "$want" > "$STAMP"
    log "virtualenv ready in $((SECONDS - started)) s"
}

ensure_venv
if (( install_only )); then
    exit 0
fi
export VIRTUAL_ENV=$VENV
export PATH=$VENV/bin:$PATH
PY=$VENV/bin/python

passed=0 failed=0 skipped=0
failed_parts=()

part_failed() {
    failed_parts+=("$1")
}

run_pep8_checks() {
    log "pep8: flake8 (with hacking)"
    local ok=1
    "$PY" -m flake8 || ok=0
    log "pep8: no eventlet imports"
    "$PY" tools/check_no_eventlet.py manila_bk || ok=0
    log "pep8: shellcheck of the devstack plugin and the tools"
    if command -v shellcheck >/dev/null; then
        shellcheck -x devstack/plugin.sh devstack/settings \
            devstack/lib/manila_bk tools/*.sh .ci/run || ok=0
    else
        log "pep8: shellcheck is not installed (apt-get install -y" \
            "shellcheck)"
        ok=0
    fi
    if (( ! ok )); then
        failed=$((failed + 1))
        part_failed pep8
    fi
}

# Documentation and release notes requirements, installed when their list
# changes (the test requirements do not include Sphinx).
ensure_docs_requirements() {
    local stamp=$VENV/.manila_bk-docs-stamp want
    want=$(sha256sum doc/requirements.txt | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return 0
    fi
    log "docs: installing doc/requirements.txt into $VENV"
    pip_install -r doc/requirements.txt || return 1
    echo "$want" > "$stamp"
}

run_docs_build() {
    local out ok=1
    out=$(mktemp -d)
    log "docs: sphinx-build -W -b html doc/source (into $out)"
    if ! ensure_docs_requirements; then
        ok=0
    elif ! "$PY" -m sphinx -W --keep-going -q -b html doc/source "$out"
    then
        ok=0
    fi
    rm -rf "$out"
    if (( ! ok )); then
        failed=$((failed + 1))
        part_failed docs
    fi
}

# Read stestr's "Totals" block from a run's output into the counters.
count_totals() {
    local out=$1 name=$2 p f s
    p=$(sed -n 's/^ *- Passed: \([0-9]*\).*/\1/p' "$out" | tail -1)
    f=$(sed -n 's/^ *- Failed: \([0-9]*\).*/\1/p' "$out" | tail -1)
    s=$(sed -n 's/^ *- Skipped: \([0-9]*\).*/\1/p' "$out" | tail -1)
    if [[ -z $p || -z $f ]]; then
        # The run ended without totals: tests did not load or stestr died.
        return 1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
    log "$name: $p passed, $f failed, ${s:-0} skipped"
}

run_stestr() {
    local name=$1 path=$2 out rc=0 failed_before=$failed
    out=$(mktemp)
    log "$name: stestr --test-path $path run ${filters[*]:-}"
    "$PY" -m stestr --test-path "$path" run ${filters[@]+"${filters[@]}"} \
        2>&1 | tee "$out" || rc=$?
    # stestr's last message may lack a newline; keep ours on its own line.
    if [[ -s $out && -n $(tail -c 1 "$out") ]]; then
        echo
    fi
    if ! count_totals "$out" "$name"; then
        log "$name: the test run ended without results (exit $rc)"
        failed=$((failed + 1))
        part_failed "$name"
    elif (( rc != 0 )); then
        # Totals were printed but stestr still failed (for example an
        # unexpected success): make sure the count says so.
        if (( failed == failed_before )); then
            failed=$((failed + 1))
        fi
        part_failed "$name"
    fi
    rm -f "$out"
}

has_tests() {
    [[ -d $1 ]] && [[ -n $(find "$1" -name 'test_*.py' -print -quit) ]]
}

if (( run_unit || run_functional )); then
    log "services: tools/ensure-services.sh"
    if ! bash tools/ensure-services.sh; then
        failed=$((failed + 1))
        part_failed services
    fi
fi
if (( run_pep8 )); then
    run_pep8_checks
fi
if (( run_unit )); then
    run_stestr unit manila_bk/tests/unit
fi
if (( run_functional )); then
    if has_tests manila_bk/tests/functional; then
        run_stestr functional manila_bk/tests/functional
    else
        log "functional: SKIPPED, manila_bk/tests/functional has no" \
            "test modules yet"
    fi
fi

if (( run_docs )); then
    run_docs_build
fi

if (( ${#failed_parts[@]} )); then
    log "FAILED: ${failed_parts[*]}"
fi
log "skipped tests: $skipped"
echo "$passed passed, $failed failed"
(( ${#failed_parts[@]} == 0 ))
