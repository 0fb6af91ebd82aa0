#!/usr/bin/env node
// Fails when the source files of a package import each other in a cycle, type-only imports included:
// shared internal types belong in a file of their own. Usage: node scripts/import-cycles.mjs [dir...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(directory) {
  const files = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(m|c)?ts$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts'))
      files.push(path);
  }
  return files;
}

function graphOf(directory) {
  const files = sourceFiles(directory);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const targets = new Set();
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1]).replace(/\.(m|c)?js$/, '.$1ts');
      if (known.has(target)) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cyclesOf(graph) {
  let index = 0;
  const indexes = new Map();
  const lows = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    indexes.set(node, index);
    lows.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)) {
      if (!indexes.has(next)) {
        visit(next);
        lows.set(node, Math.min(lows.get(node), lows.get(next)));
      } else if (onStack.has(next)) {
        lows.set(node, Math.min(lows.get(node), indexes.get(next)));
      }
    }
    if (lows.get(node) !== indexes.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node).has(node)) cycles.push(component);
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return cycles;
}

const directories =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(join(root, 'packages'))
        .map((name) => join(root, 'packages', name, 'src'))
        .filter((path) => {
          try {
            return statSync(path).isDirectory();
          } catch {
            return false;
          }
        });

let failed = false;
for (const directory of directories) {
  for (const cycle of cyclesOf(graphOf(resolve(directory)))) {
    failed = true;
    console.error(
      `Import cycle: ${cycle
        .map((file) => relative(root, file))
        .sort()
        .join(' <-> ')}`,
    );
  }
}
if (failed) process.exit(1);
