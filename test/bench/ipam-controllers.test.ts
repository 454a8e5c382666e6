import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metallbBinaryProblem, METALLB_CONTROLLER_ENV } from './ipam-controllers.ts';

describe('--vs-metallb binary lookup', () => {
  it('unset: names the variable and the docs that say how to build it', () => {
    const p = metallbBinaryProblem({});
    assert.match(p ?? '', new RegExp(`${METALLB_CONTROLLER_ENV}=/path/to/metallb/controller`));
    assert.match(p ?? '', /docs\/metallb-side-by-side\.md/);
  });
  it('a path that does not exist is refused', () => {
    assert.match(metallbBinaryProblem({ [METALLB_CONTROLLER_ENV]: '/nonexistent/controller' }) ?? '', /no such file/);
  });
  it('an existing file is accepted', () => {
    assert.equal(metallbBinaryProblem({ [METALLB_CONTROLLER_ENV]: process.execPath }), undefined);
  });
});
