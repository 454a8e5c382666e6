import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeName, serviceKey } from './ids.ts';

describe('ids', () => {
  const cases = [
    { desc: 'service key joins namespace and name', got: serviceKey('default', 'web'), want: 'default/web' },
    { desc: 'node name keeps the text', got: nodeName('node-a'), want: 'node-a' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(c.got, c.want));
});
