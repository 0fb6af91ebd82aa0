#!/usr/bin/env bash
# Mutation testing (StrykerJS) of the hot paths: every package with a stryker.config.mjs, one at a time
# (each runs 2 test processes). Not part of `pnpm test`: it is slow. Incremental: a rerun only tests
# the mutants whose code or tests changed (reports/stryker-incremental.json in each package).
# Usage: pnpm test:mutation [package...]   e.g. pnpm test:mutation core metrics
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$#" -gt 0 ]; then packages=("$@"); else
  packages=()
  for config in packages/*/stryker.config.mjs; do packages+=("$(basename "$(dirname "$config")")"); done
fi

# The packages' tests import the built workspace packages (dist/); build them first.
node_modules/.bin/pnpm run build --output-logs=errors-only

summary=()
for name in "${packages[@]}"; do
  echo "== mutation testing packages/$name"
  start=$(date +%s)
  (cd "packages/$name" && "$root/node_modules/.bin/stryker" run stryker.config.mjs)
  seconds=$(($(date +%s) - start))
  score=$(node -e '
    const report = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    let killed = 0, detected = 0, valid = 0;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const count = (s) => mutants.filter((m) => m.status === s).length;
      const k = count("Killed"), t = count("Timeout"), s = count("Survived"), n = count("NoCoverage");
      killed += k; detected += k + t; valid += k + t + s + n;
      console.error(`  ${file}: killed ${k}, timeout ${t}, survived ${s}, no coverage ${n}, score ${((100 * (k + t)) / (k + t + s + n)).toFixed(2)}%`);
    }
    process.stdout.write(`${((100 * detected) / valid).toFixed(2)}%`);
  ' "packages/$name/reports/mutation/mutation.json")
  summary+=("$name: $score (${seconds}s)")
done

echo "== mutation scores"
printf '%s\n' "${summary[@]}"
