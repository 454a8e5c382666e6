import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findCycles, lint } from './lint.ts';

/** Writes a throw-away repo tree for one lint run. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mlbts-lint-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

describe('lint', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  const cases: { desc: string; files: Record<string, string>; want: RegExp[] }[] = [
    {
      desc: 'pure folder importing node:fs',
      files: { 'operator/src/config/a.ts': "import { readFileSync } from 'node:fs';\n" },
      want: [/operator\/src\/config\/a\.ts:1: imports 'node:fs'/],
    },
    {
      desc: 'pure folder importing a shell library',
      files: { 'operator/src/allocator/a.ts': "import winston from 'winston';\n" },
      want: [/imports 'winston'/],
    },
    {
      desc: 'pure folder importing client-node runtime values',
      files: { 'lib/src/ip/a.ts': "import { KubeConfig } from '@kubernetes/client-node';\n" },
      want: [/use 'import type'/],
    },
    {
      desc: 'pure folder importing client-node types only is fine',
      files: {
        'lib/src/ip/a.ts':
          "import type { V1Service } from '@kubernetes/client-node';\nimport { type V1Node } from '@kubernetes/client-node';\n",
      },
      want: [],
    },
    {
      desc: 'shell folder may import I/O',
      files: { 'operator/src/k8s/a.ts': "import { readFileSync } from 'node:fs';\n" },
      want: [],
    },
    {
      desc: 'tests inside pure folders may use I/O',
      files: { 'operator/src/config/a.test.ts': "import { readFileSync } from 'node:fs';\n" },
      want: [],
    },
    {
      desc: 'relative import cycle',
      files: {
        'lib/src/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
        'lib/src/b.ts': "import { a } from './a.ts';\nexport const b = a;\n",
      },
      want: [/import cycle: lib\/src\/a\.ts -> lib\/src\/b\.ts/],
    },
    {
      desc: 'cycle through a workspace package name',
      files: {
        'operator/src/x.ts': "import { y } from '@metallb-ts/lib/y.ts';\nexport const x = y;\n",
        'lib/src/y.ts': "import { x } from '@metallb-ts/operator/x.ts';\nexport const y = x;\n",
      },
      want: [/lib\/src\/y\.ts:1: lib\/ may not import operator\//, /import cycle/],
    },
    {
      desc: 'type-only back edge is not a cycle',
      files: {
        'lib/src/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
        'lib/src/b.ts': "import type { A } from './a.ts';\nexport const b = 1;\nexport type B = A;\n",
      },
      want: [],
    },
    // (a) transitive: pure code imports only pure files at runtime.
    {
      desc: 'pure file importing a shell file at runtime',
      files: {
        'operator/src/config/a.ts': "import { x } from '../controller/x.ts';\nexport const a = x;\n",
        'operator/src/controller/x.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      },
      want: [/operator\/src\/config\/a\.ts:1: imports '\.\.\/controller\/x\.ts' \(operator\/src\/controller\/x\.ts, not pure code\)/],
    },
    {
      desc: 'pure file importing the system clock by package name',
      files: {
        'operator/src/allocator/a.ts': "import { systemClock } from '@metallb-ts/lib/time/clock.ts';\nexport const a = systemClock;\n",
        'lib/src/time/clock.ts': 'export const systemClock = { now: () => Date.now() };\n',
      },
      want: [/operator\/src\/allocator\/a\.ts:1: .*lib\/src\/time\/clock\.ts, not pure code/],
    },
    {
      desc: 'pure file importing pure files and shell types is fine',
      files: {
        'operator/src/allocator/a.ts':
          "import { ok } from '@metallb-ts/lib/result.ts';\nimport type { Clock } from '@metallb-ts/lib/time/clock.ts';\nimport { b } from './b.ts';\nexport const a = [ok, b];\nexport type C = Clock;\n",
        'operator/src/allocator/b.ts': 'export const b = 1;\n',
        'lib/src/result.ts': 'export const ok = 1;\n',
        'lib/src/time/clock.ts': 'export interface Clock { now(): number }\nexport const systemClock = { now: () => Date.now() };\n',
      },
      want: [],
    },
    // (b) ambient globals in pure code, found on the AST.
    ...[
      ['Date.now', 'export const t = Date.now();\n', /uses 'Date\.now'/],
      ['new Date()', 'export const t = new Date();\n', /uses 'new Date\(\)'/],
      ['Math.random', 'export const r = Math.random();\n', /uses 'Math\.random'/],
      ['setTimeout', 'setTimeout(() => undefined, 5);\n', /uses 'setTimeout'/],
      ['setInterval', 'export const h = setInterval;\n', /uses 'setInterval'/],
      ['process', 'export const e = process.env.HOME;\n', /uses 'process'/],
      ['fetch', "export const f = fetch('http://192.0.2.1/');\n", /uses 'fetch'/],
      ['console', 'console.log(1);\n', /uses 'console'/],
    ].map(([what, text, re]) => ({
      desc: `pure code using ${String(what)}`,
      files: { 'operator/src/config/a.ts': String(text) },
      want: [new RegExp(`operator/src/config/a\\.ts:1: ${(re as RegExp).source}`)],
    })),
    {
      desc: 'globals named in comments, strings, properties and injected ports are fine',
      files: {
        'operator/src/config/a.ts': [
          '// Date.now() Math.random() setTimeout( process. console. fetch(',
          "const s = 'Date.now() process.env console.log setTimeout(';",
          'const d = new Date(0);',
          'declare const clock: { setTimeout(f: () => void, ms: number): void; now(): number };',
          'clock.setTimeout(() => undefined, clock.now());',
          'const o = { setTimeout: 1, process: 2, console: 3 };',
          'export { s, d, o };',
          '',
        ].join('\n'),
      },
      want: [],
    },
    // (c) modules refused in pure code.
    ...[
      ["import { test } from 'node:test';", /imports 'node:test'/],
      ["import assert from 'node:assert/strict';", /imports 'node:assert\/strict'/],
      ["import { connect } from 'tls';", /imports 'tls'/],
      ["import { lookup } from 'node:dns';", /imports 'node:dns'/],
      ["import { randomBytes, createHash } from 'node:crypto';", /imports randomness \(randomBytes\)/],
      ["import { randomUUID } from 'crypto';", /imports randomness \(randomUUID\)/],
      ["import * as crypto from 'node:crypto';", /imports all of 'node:crypto'/],
    ].map(([text, re]) => ({
      desc: `pure code: ${String(text)}`,
      files: { 'speaker/src/membership/a.ts': `${String(text)}\n` },
      want: [new RegExp(`speaker/src/membership/a\\.ts:1: ${(re as RegExp).source}`)],
    })),
    {
      desc: 'hashing from node:crypto is fine in pure code',
      files: { 'speaker/src/layer2/codec/a.ts': "import { createHash } from 'node:crypto';\nexport const h = createHash;\n" },
      want: [],
    },
    // (d) the declared pure list and its shell exceptions.
    {
      desc: 'a declared folder that is new is checked',
      files: { 'speaker/src/membership/new-folder/a.ts': "import { readFileSync } from 'node:fs';\n" },
      want: [/speaker\/src\/membership\/new-folder\/a\.ts:1: imports 'node:fs'/],
    },
    {
      desc: 'shell files of pure folders may read the real clock; their neighbours may not',
      files: {
        'lib/src/time/clock.ts': 'export const now = (): number => Date.now();\n',
        'lib/src/random/rng.ts': 'export const systemRng = (): number => Math.random();\n',
        'lib/src/time/backoff.ts': 'export const jitter = (): number => Math.random();\n',
      },
      want: [/lib\/src\/time\/backoff\.ts:1: uses 'Math\.random'/],
    },
    // (e) production code never imports a test kit.
    {
      desc: 'production file importing a testing/ kit and a test file',
      files: {
        'operator/src/controller/a.ts': "import { kit } from '../testing/kit.ts';\nimport { t } from './b.test.ts';\nexport const a = [kit, t];\n",
        'operator/src/testing/kit.ts': 'export const kit = 1;\n',
        'operator/src/controller/b.test.ts': 'export const t = 1;\n',
      },
      want: [/a\.ts:1: production code imports the test kit '\.\.\/testing\/kit\.ts'/, /a\.ts:2: production code imports the test kit '\.\/b\.test\.ts'/],
    },
    {
      desc: 'tests, kits and the bench may import test kits',
      files: {
        'operator/src/controller/a.test.ts': "import { kit } from '../testing/kit.ts';\nexport const a = kit;\n",
        'operator/src/testing/other.ts': "import { kit } from './kit.ts';\nexport const o = kit;\n",
        'operator/src/testing/kit.ts': 'export const kit = 1;\n',
        'test/bench/x.ts': "import { kit } from '@metallb-ts/operator/testing/kit.ts';\nexport const x = kit;\n",
      },
      want: [],
    },
    // Package boundaries.
    {
      desc: 'speaker and operator never import each other',
      files: {
        'speaker/src/a.ts': "import { b } from '@metallb-ts/operator/b.ts';\nexport const a = b;\n",
        'operator/src/b.ts': "import type { C } from '../../speaker/src/c.ts';\nexport const b = 1;\nexport type B = C;\n",
        'speaker/src/c.ts': 'export type C = number;\n',
      },
      want: [/operator\/src\/b\.ts:1: operator\/ may not import speaker\//, /speaker\/src\/a\.ts:1: speaker\/ may not import operator\//],
    },
  ];

  for (const c of cases) {
    it(c.desc, () => {
      const root = tree(c.files);
      roots.push(root);
      const findings = lint(root);
      assert.equal(findings.length, c.want.length, findings.join('\n'));
      c.want.forEach((re, i) => assert.match(findings[i] ?? '', re));
    });
  }

  it('finds self-loops and longer cycles', () => {
    const graph = new Map([
      ['a', ['a']],
      ['b', ['c']],
      ['c', ['d']],
      ['d', ['b']],
      ['e', []],
    ]);
    assert.deepEqual(findCycles(graph), [['a'], ['b', 'c', 'd']]);
  });
});
