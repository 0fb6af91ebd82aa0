#!/usr/bin/env bash
# The whole test suite on a machine that has only Node.js >= 20 and npm: installs what the tests need,
# then builds, typechecks, lints, checks every package with publint and attw (once, on the Node.js that
# runs this script), and runs every test on Node 20, 22 and 24.
#
# MCPSCOPE_NODE_VERSIONS  the Node.js majors to run the tests on, default "20 22 24". A major equal to
#                         the running Node's uses that Node; the others come from the `node` package on
#                         npm (tests/repository/node-versions, pinned by the lockfile). CI's matrix sets
#                         it to the runner's own major: each job tests on the Node that setup-node gave it.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

step() { printf '\n==> %s\n' "$*" >&2; }
seconds() { date +%s; }

versions="${MCPSCOPE_NODE_VERSIONS:-20 22 24}"
versions="${versions//,/ }"
for version in $versions; do
  case "$version" in
    20 | 22 | 24) ;;
    *)
      echo "MCPSCOPE_NODE_VERSIONS: '$version' is not one of 20, 22, 24" >&2
      exit 2
      ;;
  esac
done
running_major="$(node -p 'process.versions.node.split(".")[0]')"
started="$(seconds)"

step "System packages (Prometheus, Redis)"
bash scripts/system-deps.sh

step "Install (pnpm $(node -p "require('./package.json').packageManager.split('@')[1]"))"
npx -y "$(node -p "require('./package.json').packageManager")" install --frozen-lockfile

pnpm() { node_modules/.bin/pnpm "$@"; }

step "Build (Node $(node --version))"
pnpm run build

step "Typecheck"
pnpm run typecheck

step "Lint and format (Biome)"
pnpm run lint

step "Package checks (publint --strict, attw --pack)"
pnpm run check:packages

# The PATH that runs the tests on one major: as it is for the running Node, else the npm package's first.
path_for() {
  if [ "$1" = "$running_major" ]; then
    printf '%s' "$PATH"
  else
    printf '%s/tests/repository/node-versions/node_modules/node%s/bin:%s' "$PWD" "$1" "$PATH"
  fi
}

failed=()
timings=()
for version in $versions; do
  path="$(path_for "$version")"
  if ! actual="$(PATH="$path" node --version)" || [ "${actual%%.*}" != "v$version" ]; then
    echo "No Node $version: PATH starts with ${path%%:*} (pnpm install puts the node package there)" >&2
    exit 1
  fi
  # Everything below finds this node first: pnpm, turbo, vitest, and the child processes the tests start
  # (with process.execPath or with `node` from PATH); tests/repository checks both in every run.
  # --continue: one failing package does not hide the others' results on this version.
  step "Tests on Node $actual"
  leg_started="$(seconds)"
  if PATH="$path" MCPSCOPE_NODE_VERSION="$version" node_modules/.bin/pnpm run test:unit --continue; then
    timings+=("Node $actual: passed in $(($(seconds) - leg_started)) s")
  else
    timings+=("Node $actual: FAILED after $(($(seconds) - leg_started)) s")
    failed+=("$version")
  fi
done

step "Summary ($(($(seconds) - started)) s in all)"
printf '  %s\n' "${timings[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "Tests failed on Node ${failed[*]}" >&2
  exit 1
fi
step "All checks passed"
