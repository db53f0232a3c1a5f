#!/usr/bin/env bash
# The one test command: formatting, lints, every test of the workspace (the PostgreSQL ones on a
# throwaway server it starts), and the end-to-end scenarios with the real AWS CLI and boto3, the
# console in headless Chromium, a fleet of three servers on PostgreSQL, the crash harness, the
# metrics read by Prometheus' own parser and the server behind a real nginx.
# Usage: scripts/test.sh   (CI runs exactly this through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/test.sh: cargo is required (https://rustup.rs)" >&2
  exit 2
fi

step() { printf '\n==> %s\n' "$*"; }

# The fetch tests (crates/cli/tests/fetch.rs) run moto's server as a stand-in for an AWS
# organization: install the pinned version when it is missing.
MOTO_VERSION=5.2.1
if ! python3 -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" >/dev/null 2>&1 \
  || ! python3 -c "import moto.server" >/dev/null 2>&1; then
  step "python3 -m pip install moto[server]==$MOTO_VERSION (for the fetch tests)"
  if ! command -v python3 >/dev/null 2>&1; then
    echo "scripts/test.sh: python3 is required for the fetch tests (moto)" >&2
    exit 2
  fi
  python3 -m pip install --quiet "moto[server]==$MOTO_VERSION"
fi

# The PostgreSQL tests (the store's conformance suite, the fleet) run against a real server:
# a throwaway cluster on a loopback port, stopped on exit, whether the run passes or fails.
# Installs Debian's postgresql package when initdb is missing.
if [[ -z "${CREDREPORT_TEST_DATABASE_URL:-}" ]]; then
  step "scripts/pg_cluster.sh start (a throwaway PostgreSQL for the tests)"
  pg_dir="$(mktemp -d /tmp/credreport-pg.XXXXXX)"
  trap 'scripts/pg_cluster.sh stop "$pg_dir"' EXIT
  CREDREPORT_TEST_DATABASE_URL="$(scripts/pg_cluster.sh start "$pg_dir")"
  CREDREPORT_TEST_DATABASE_CA="$pg_dir/ca.pem"
  export CREDREPORT_TEST_DATABASE_URL CREDREPORT_TEST_DATABASE_CA
  echo "PostgreSQL at $CREDREPORT_TEST_DATABASE_URL"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "end-to-end: the AWS CLI and boto3 against credreport serve"
cargo build -p credreport-cli --locked
# A bare CI machine may lack the real clients; install the exact versions the server targets.
if ! command -v aws >/dev/null 2>&1 || ! python3 -c 'import boto3, awscli' >/dev/null 2>&1; then
  echo "installing awscli 1.45.11 and boto3 1.43.11 for the end-to-end scenarios"
  python3 -m pip install --quiet 'awscli==1.45.11' 'boto3==1.43.11'
  # pip falls back to a user install where site-packages is not writable.
  PATH="$(python3 -m site --user-base)/bin:$PATH"
fi
# The console's browser test drives Debian's Chromium with Playwright (its Python package;
# the browser is the system's, never one Playwright downloads).
if ! command -v chromium >/dev/null 2>&1; then
  step "apt-get install chromium chromium-driver (for the console's browser test)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! python3 -c 'import playwright.sync_api' >/dev/null 2>&1; then
  step "python3 -m pip install playwright (for the console's browser test)"
  python3 -m pip install --quiet 'playwright==1.65.2'
fi
# The metrics are read with Prometheus' own text-format parser for Python.
if ! python3 -c 'import prometheus_client.parser' >/dev/null 2>&1; then
  step "python3 -m pip install prometheus-client (for the metrics test)"
  python3 -m pip install --quiet 'prometheus-client==0.26.0'
fi
# The trusted-proxy test runs the server behind Debian's nginx, which it starts itself.
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  step "apt-get install nginx (for the trusted-proxy test)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
# The SSH key scenarios make their keys with OpenSSH's ssh-keygen (an independent encoder
# of the keys, PEM and fingerprints the endpoint must agree with).
if ! command -v ssh-keygen >/dev/null 2>&1; then
  step "apt-get install openssh-client (ssh-keygen, for the SSH public key scenarios)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssh-client >/dev/null
fi
target_dir="${CARGO_TARGET_DIR:-target}"
[[ "$target_dir" == /* ]] || target_dir="$PWD/$target_dir"
export CREDREPORT_BIN="$target_dir/debug/credreport"
export E2E_OUT="$target_dir/e2e/console"
e2e_failed=0
bash tests/e2e/aws_cli.sh || e2e_failed=1
bash tests/e2e/aws_cli_identities.sh || e2e_failed=1
python3 tests/e2e/boto3_scenario.py || e2e_failed=1
python3 tests/e2e/boto3_identities.py || e2e_failed=1
# boto3's Organizations client against `credreport demo`'s organization.
python3 tests/e2e/boto3_organizations.py || e2e_failed=1
python3 tests/e2e/boto3_last_accessed.py || e2e_failed=1
python3 tests/e2e/prowler_iam_calls.py || e2e_failed=1
python3 tests/e2e/boto3_policy_examples.py || e2e_failed=1
python3 tests/e2e/console_browser.py || e2e_failed=1
# GET /metrics on its own listener, read with prometheus_client's parser; the server behind
# nginx with --trusted-proxies.
python3 tests/e2e/metrics.py || e2e_failed=1
python3 tests/e2e/proxy_nginx.py || e2e_failed=1
# Three instances on one PostgreSQL database behave as one IAM.
python3 tests/e2e/fleet.py || e2e_failed=1
# kill -9 at random moments during signed writes, 20 times: nothing acknowledged is lost.
python3 tests/e2e/crash_durability.py 20 || e2e_failed=1
python3 tests/e2e/crash_durability.py 20 --postgres || e2e_failed=1
# The same clients over HTTPS (serve --tls-cert/--tls-key, a CA made for the run).
E2E_TLS=1 bash tests/e2e/aws_cli.sh || e2e_failed=1
E2E_TLS=1 python3 tests/e2e/boto3_scenario.py || e2e_failed=1
if [[ $e2e_failed -ne 0 ]]; then
  echo "scripts/test.sh: an end-to-end scenario failed (see FAIL lines above)" >&2
  exit 1
fi
