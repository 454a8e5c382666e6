import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_HEAP_FLAGS, heapFlagsToAdd, NODE_FLAGS_ENV, RELAUNCHED_ENV, type ProcessFlags } from './heap-flags.ts';

describe('heapFlagsToAdd', () => {
  const cases: ReadonlyArray<{ name: string; given: ProcessFlags; want: readonly string[] }> = [
    { name: 'plain start: the defaults', given: { execArgv: [], env: {} }, want: DEFAULT_HEAP_FLAGS },
    { name: 'already re-executed: nothing', given: { execArgv: [], env: { [RELAUNCHED_ENV]: '1' } }, want: [] },
    {
      name: 'a flag given on the command line wins (other exec arguments do not matter)',
      given: { execArgv: ['--import=x.ts', '--max-old-space-size=2048'], env: {} }, want: ['--max-semi-space-size=2'],
    },
    { name: 'NODE_OPTIONS wins, underscores too', given: { execArgv: [], env: { NODE_OPTIONS: '--max_semi_space_size=8 --inspect' } }, want: ['--max-old-space-size=512'] },
    { name: 'the variable replaces the defaults', given: { execArgv: [], env: { [NODE_FLAGS_ENV]: ' --max-old-space-size=300  --optimize-for-size' } }, want: ['--max-old-space-size=300', '--optimize-for-size'] },
    { name: 'an empty variable: no flags', given: { execArgv: [], env: { [NODE_FLAGS_ENV]: '' } }, want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(heapFlagsToAdd(c.given), c.want));
});
