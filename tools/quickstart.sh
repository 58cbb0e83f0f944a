#!/usr/bin/env bash
# The run command of manila_bk (README): builds or reuses .venv, creates or
# upgrades the database, then runs every service in one foreground process.
#
#   tools/quickstart.sh [ARGS FOR manila-bk-all ...]
#
# With no arguments: API on http://127.0.0.1:8786, SQLite and share data
# under ~/.manila_bk/state, no authentication, the local share driver, RPC
# inside the process.  Nothing is written to /etc.  --config-file and
# --config-dir arguments are passed to `manila-bk-manage db sync` as well, so
# a configuration naming another database is migrated before the start.
# Stop with Ctrl-C.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=${MANILA_BK_VENV:-$(pwd)/.venv}

# The same virtualenv as the tests: it also carries the openstack CLI with
# the manila plugin, used in a second terminal.
bash tools/run-tests.sh --install-only
export PATH=$VENV/bin:$PATH

config_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
        --config-file=*|--config-dir=*) config_args+=("${args[i]}") ;;
        --config-file|--config-dir)
            config_args+=("${args[i]}" "${args[i + 1]:-}")
            i=$((i + 1)) ;;
    esac
done

mkdir -p "$HOME/.manila_bk/state"
echo "==> manila-bk-manage ${config_args[*]+${config_args[*]} }db sync"
manila-bk-manage ${config_args[@]+"${config_args[@]}"} db sync
echo "==> manila-bk-all $*"
exec manila-bk-all "$@"
