/**
 * The GitHub Actions workflows: CI runs npm test on pull requests and pushes to main on Node 20, 22 and
 * 24, each job restricting npm test to its own Node; Release opens the "Version Packages" pull request
 * and publishes with npm provenance. Every action is pinned to a major version.
 */
import { describe, expect, it } from 'vitest';
import { filesUnder, readJson, readYaml } from './repository.js';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
}

interface Job {
  readonly 'runs-on': string;
  readonly 'timeout-minutes'?: number;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: {
    readonly matrix?: Readonly<Record<string, unknown[]>>;
    readonly 'fail-fast'?: boolean;
  };
  readonly env?: Readonly<Record<string, unknown>>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, { readonly branches?: readonly string[] } | null>>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean | string };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const workflow = (file: string) => readYaml<Workflow>(`.github/workflows/${file}`);
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps);
const action = (step: Step) => step.uses?.split('@')[0];
/** A GitHub Actions expression as written in a workflow: `${{ ... }}`. */
const gh = (expression: string) => `\${{ ${expression} }}`;

describe('.github/workflows', () => {
  it('pins every action to a major version', () => {
    const files = filesUnder('.github').filter((file) => /\.ya?ml$/.test(file));
    // filesUnder skips dot folders below the start, not the start itself.
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      for (const step of steps(readYaml<Workflow>(file))) {
        if (step.uses !== undefined) expect(step.uses, file).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
      }
    }
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const jobs = Object.values(ci.jobs);

  it('runs on pull requests and on pushes to main, cancelling superseded runs, with a time limit', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push?.branches).toEqual(['main']);
    expect(ci.concurrency?.['cancel-in-progress']).toBe(true);
    expect(ci.concurrency?.group).toContain('github.workflow');
    for (const job of jobs) {
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
    }
  });

  it('runs npm test on Node 20, 22 and 24 from actions/setup-node, each job testing on its own Node', () => {
    const [job, ...others] = jobs;
    expect(others).toEqual([]);
    expect(job!.strategy?.matrix?.node?.map(String)).toEqual(['20', '22', '24']);
    expect(job!.strategy?.['fail-fast']).toBe(false);
    const setupNode = job!.steps.find((step) => action(step) === 'actions/setup-node');
    expect(setupNode?.with?.['node-version']).toBe(gh('matrix.node'));
    // npm test alone runs the tests on all three; in CI each job runs them on the Node it was given.
    expect(job!.env?.MCPSCOPE_NODE_VERSIONS).toBe(gh('matrix.node'));
    const order = job!.steps.map((step) => action(step) ?? step.run);
    expect(order).toEqual(['actions/checkout', 'actions/setup-node', 'npm test']);
  });

  it('reads the repository only', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const job = Object.values(release.jobs)[0]!;
  const changesets = job.steps.find((step) => action(step) === 'changesets/action');

  it('runs on pushes to main, one at a time, never cancelled halfway', () => {
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.on.push?.branches).toEqual(['main']);
    expect(release.concurrency?.['cancel-in-progress']).toBe(false);
    expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  it('may push the version branch, open its pull request and sign provenance, nothing more', () => {
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
    expect(release.permissions).toEqual({ contents: 'read' });
  });

  it('sets up the pnpm of packageManager, then Node with the npm registry', () => {
    const pnpm = job.steps.find((step) => action(step) === 'pnpm/action-setup');
    expect(pnpm).toBeDefined();
    expect(pnpm?.with?.version).toBeUndefined(); // read from package.json's packageManager
    const node = job.steps.find((step) => action(step) === 'actions/setup-node');
    expect(node?.with?.['registry-url']).toBe('https://registry.npmjs.org');
    expect(job.steps.indexOf(pnpm!)).toBeLessThan(job.steps.indexOf(changesets!));
    expect(job.steps.some((step) => step.run === 'pnpm install --frozen-lockfile')).toBe(true);
  });

  it('opens "Version Packages" with changesets/action v1 and publishes with changeset publish and provenance', () => {
    expect(changesets?.uses).toBe('changesets/action@v1');
    expect(changesets?.with?.title).toBe('Version Packages');
    const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;
    const script = (command: unknown) => scripts[String(command).replace(/^pnpm run /, '')];
    expect(script(changesets?.with?.version)).toBe('changeset version');
    expect(script(changesets?.with?.publish)).toMatch(/changeset publish$/);
    expect(String(changesets?.env?.NPM_CONFIG_PROVENANCE)).toBe('true');
    expect(changesets?.env?.NPM_TOKEN).toBe(gh('secrets.NPM_TOKEN'));
    expect(changesets?.env?.GITHUB_TOKEN).toBe(gh('secrets.GITHUB_TOKEN'));
  });
});
