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
      want: [/import cycle/],
    },
    {
      desc: 'type-only back edge is not a cycle',
      files: {
        'lib/src/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
        'lib/src/b.ts': "import type { A } from './a.ts';\nexport const b = 1;\nexport type B = A;\n",
      },
      want: [],
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
