/** Prefix classes: one list per (family, attributes, peers), named by that key, not by content. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcementsFor } from './announcements.ts';
import { familiesOf } from './neighbor-view.ts';
import { fnv1a, prefixClassesFor } from './prefix-classes.ts';
import { configOf, GOLDEN_CASES, svc } from './testing/golden-cases.ts';

const selective = GOLDEN_CASES.find((c) => c.name === 'selective') ?? assert.fail('selective case missing');
const config = configOf(selective);

function classesFor(services: typeof selective.services) {
  const anns = announcementsFor(config, selective.node, services).announcements;
  return prefixClassesFor(anns, config.peers, familiesOf);
}

describe('prefixClassesFor', () => {
  it('adding a Service adds a line and renames nothing', () => {
    const before = classesFor(selective.services);
    const after = classesFor([...selective.services, svc('new', ['198.51.100.20'])]);
    assert.deepEqual(after.map((c) => c.name), before.map((c) => c.name));
    assert.deepEqual(after.map((c) => c.prefixes.length), before.map((c) => c.prefixes.length + 1));
  });

  it('gives each prefix one class per distinct attribute set and peer set', () => {
    const dual = GOLDEN_CASES.find((c) => c.name === 'as-path-prepend') ?? assert.fail('case missing');
    const cfg = configOf(dual);
    const classes = prefixClassesFor(announcementsFor(cfg, dual.node, dual.services).announcements, cfg.peers, familiesOf);
    // Two peers, each seeing its own AS prepended: two classes with the same two prefixes.
    assert.deepEqual(classes.map((c) => [c.peers, c.sets, c.prefixes]).sort(), [
      [['local-as'], ['set as-path prepend 64999 64999 64999'], ['198.51.100.10/32', '198.51.100.11/32']],
      [['router'], ['set as-path prepend 64512 64512 64512'], ['198.51.100.10/32', '198.51.100.11/32']],
    ]);
  });

  it('fnv1a is the 32-bit FNV-1a hash', () => {
    assert.equal(fnv1a(''), '811c9dc5');
    assert.equal(fnv1a('a'), 'e40c292c');
    assert.equal(fnv1a('foobar'), 'bf9cf968');
  });
});
