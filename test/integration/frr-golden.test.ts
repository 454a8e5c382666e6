/**
 * Every golden frr.conf under operator/src/frr/testdata/ is loaded into a real FRR of each build
 * the templates are checked against — the machine's Debian FRR 8.4 and FRR 10 (Debian trixie's,
 * the major version MetalLB's chart ships; test/harness/frr-runtime.ts) — with `vtysh -f` in a
 * throwaway lab namespace; the test fails if FRR refuses any line, and checks that the running
 * configuration then holds what was rendered.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Lab } from '../harness/lab.ts';
import { FRR_VERSIONS } from '../harness/frr-runtime.ts';

const TESTDATA = join(import.meta.dirname, '..', '..', 'operator', 'src', 'frr', 'testdata');
const GOLDENS = readdirSync(TESTDATA).filter((f) => f.endsWith('.frr.conf')).sort();

/** FRR's notice when echo-mode is enabled; a warning about peers, not a refusal. */
const ECHO_NOTICE = '% Echo mode works correctly for IPv4, but only works when the peer is also FRR for IPv6.';

/** Lines of vtysh output that report a refused command (vtysh exits 0 even then). */
function refusals(output: string): string[] {
  return output.split('\n').filter((l) => l !== ECHO_NOTICE && /^%|error|Unknown command|line \d+:/i.test(l));
}

/** FRR shows well-known communities by name. */
const WELL_KNOWN: Readonly<Record<string, string>> = {
  '65535:0': 'graceful-shutdown', '65535:666': 'blackhole', '65535:65281': 'no-export', '65535:65282': 'no-advertise', '65535:65283': 'local-AS',
};

/** A rendered statement as FRR prints it back. */
function asFrrShowsIt(line: string): string {
  if (!line.startsWith('set community ')) return line;
  return line.split(' ').map((w) => WELL_KNOWN[w] ?? w).join(' ');
}

/** Statements of the golden that FRR must show back in its running configuration. */
function mustAppear(conf: string): string[] {
  return conf.split('\n').map((l) => asFrrShowsIt(l.trim())).filter((l) =>
    /^(router bgp|neighbor \S+ (remote-as|interface|password|bfd profile|local-as)|network |set |profile |ip prefix-list|ipv6 prefix-list)/.test(l));
}

describe('every golden frr.conf is accepted by a real FRR', () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ nodes: 1 });
  });
  after(async () => {
    await lab?.destroy();
  });

  it('has goldens to load', () => {
    assert.ok(GOLDENS.length >= 12, `only ${GOLDENS.length} goldens in ${TESTDATA}`);
  });

  for (const version of FRR_VERSIONS) describe(`FRR ${version}`, () => {
    it('runs that build', async () => {
      const frr = await lab.startFrr('node-0', 'frr defaults traditional\n', version);
      try {
        assert.match(await frr.vtysh('show version'), new RegExp(`^FRRouting ${version.replace('.', '\\.')}[. ]`, 'm'));
      } finally {
        await frr.stop();
      }
    });

    for (const name of GOLDENS) it(name, async () => {
      const file = join(TESTDATA, name);
      const frr = await lab.startFrr('node-0', 'frr defaults traditional\n', version);
      try {
        const r = await frr.loadFile(file);
        assert.equal(r.exitCode, 0, `vtysh -f ${name}: ${r.stdout}${r.stderr}`);
        assert.deepEqual(refusals(`${r.stdout}\n${r.stderr}`), [], `FRR refused lines of ${name}`);
        const running = (await frr.vtysh('show running-config')).split('\n').map((l) => l.trim());
        // FRR prints `ebgp-multihop` as `ebgp-multihop 255` and adds defaults; every other
        // statement of interest comes back verbatim.
        const missing = mustAppear(readFileSync(file, 'utf8')).filter((l) => !running.includes(l));
        assert.deepEqual(missing, [], `${name}: not in the running config`);
      } finally {
        await frr.stop();
      }
    });
  });
});
