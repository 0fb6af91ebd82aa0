#!/usr/bin/env bash
# The demo on a machine that has only Node.js >= 20 and npm: install, build, run.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
npx -y "$(node -p "require('./package.json').packageManager")" install --frozen-lockfile >&2
node_modules/.bin/pnpm run build:demo >&2
node_modules/.bin/pnpm --filter @mcpscope/demo run demo
