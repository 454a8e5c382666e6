/** `metallb-ts explain` offline: manifests in, the operator's stages out; usage errors exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runExplain } from './explain.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'explain');
const config = join(FIXTURES, 'config.yaml');
const web = join(FIXTURES, 'service-web.yaml');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExplain(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('metallb-ts explain --config --service (offline)', () => {
  it('answers the allocation and advertisement stages from manifests', async () => {
    const r = await run(['--config', config, '--service', web]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /1\. Address allocation: OK Allocated: assigned 198\.51\.100\.0 from IPAddressPool bgp-pool/);
    assert.match(r.out, /l2-pool +skipped: spec\.autoAssign is false/);
    assert.match(r.out, /BGPAdvertisements selecting it: bgp-adv/);
    assert.match(r.out, /node-a +BGP +eligible: 198\.51\.100\.0\/32 -> router \(not reported, adj-rib-out: not reported\)/);
    assert.match(r.out, /3\. Reachability: UNKNOWN ReportPending: /);
    assert.match(r.out, /node-b +BGP +excluded: node\.kubernetes\.io\/exclude-from-external-load-balancers/);
    assert.match(r.err, /no clusterIP/);
  });

  it('--output json carries the same stages', async () => {
    const r = await run(['--config', config, '--service', web, '--output', 'json']);
    const doc = JSON.parse(r.out) as { allocation: { ingress: string[]; pools: { pool: string; verdict: string }[] } };
    assert.deepEqual(doc.allocation.ingress, ['198.51.100.0']);
    assert.deepEqual(doc.allocation.pools.map((p) => `${p.pool}:${p.verdict}`), ['bgp-pool:candidate', 'l2-pool:notAutoAssign']);
  });

  it('an invalid configuration: ConfigInvalid naming the object and field, in the transcript and in json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-invalid-'));
    const broken = join(dir, 'config.yaml');
    writeFileSync(broken, `${readFileSync(config, 'utf8')}\n---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: overlap, namespace: metallb-system}\nspec: {addresses: [198.51.100.0/30]}\n`);
    after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await run(['--config', broken, '--service', web]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^Configuration: INVALID$/m);
    assert.match(r.out, /1\. Address allocation: FAILED ConfigInvalid: the configuration is invalid: fix IPAddressPool\/overlap spec\.addresses\[0\]: .*overlaps/);
    assert.doesNotMatch(r.out, /no IPAddressPool/, 'no pool list to replay');
    const doc = JSON.parse((await run(['--config', broken, '--service', web, '--output', 'json'])).out) as { config: { valid: boolean }; allocation: { condition: { reason: string; message: string } } };
    assert.equal(doc.config.valid, false);
    assert.equal(doc.allocation.condition.reason, 'ConfigInvalid');
    assert.match(doc.allocation.condition.message, /IPAddressPool\/overlap/);
  });

  const usage: { desc: string; args: string[] }[] = [
    { desc: 'nothing', args: [] },
    { desc: 'unknown kind', args: ['deployment', 'x'] },
    { desc: 'service without namespace', args: ['service', 'web'] },
    { desc: 'unknown flag', args: ['service', 'a/b', '--colour'] },
    { desc: 'bad output', args: ['--config', config, '--service', web, '--output', 'yaml'] },
    { desc: '--config without --service', args: ['--config', config] },
  ];
  for (const u of usage) {
    it(`bad usage exits 2: ${u.desc}`, async () => assert.equal((await run(u.args)).code, 2));
  }
});
