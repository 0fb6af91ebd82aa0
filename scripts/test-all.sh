#!/usr/bin/env bash
# The whole test suite on a machine that has only Node.js >= 20 and npm: installs what the tests need,
# then builds, typechecks, lints, checks every package with publint and attw, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

step() { printf '\n==> %s\n' "$*" >&2; }

step "System packages (Prometheus, Redis)"
bash scripts/system-deps.sh

step "Install (pnpm $(node -p "require('./package.json').packageManager.split('@')[1]"))"
npx -y "$(node -p "require('./package.json').packageManager")" install --frozen-lockfile

pnpm() { node_modules/.bin/pnpm "$@"; }

step "Build"
pnpm run build

step "Typecheck"
pnpm run typecheck

step "Lint and format (Biome)"
pnpm run lint

step "Package checks (publint --strict, attw --pack)"
pnpm run check:packages

step "Tests"
pnpm run test:unit

step "All checks passed"
