/**
 * Builders and a table runner shared by the config tests: tiny CR constructors and a check that
 * configFor reports exactly the expected (rule, kind, object, field) findings.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { V1Namespace, V1Node, V1Secret } from '@kubernetes/client-node';
import { configFor, type ConfigForOptions } from '../config/config-for.ts';
import type {
  BFDProfile, BGPAdvertisement, BGPPeer, Community, IPAddressPool, L2Advertisement,
} from '../config/cr-types.ts';
import { emptyResources, type ClusterResources } from '../config/resources.ts';

const meta = (name: string, labels?: Record<string, string>) =>
  ({ metadata: { name, namespace: 'metallb-system', ...(labels ? { labels } : {}) } });

/** An IPAddressPool. */
export const pool = (name: string, addresses: string[], spec: Partial<IPAddressPool['spec']> = {}, labels?: Record<string, string>): IPAddressPool =>
  ({ ...meta(name, labels), spec: { addresses, ...spec } });

/** Spec overrides; a key set to undefined removes the default. */
export type PeerOverrides = { [K in keyof BGPPeer['spec']]?: BGPPeer['spec'][K] | undefined };

/** A BGPPeer; defaults to a valid eBGP peer at 192.0.2.1. */
export function peer(name: string, overrides: PeerOverrides = {}): BGPPeer {
  const merged = { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', ...overrides };
  const spec = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as unknown as BGPPeer['spec'];
  return { ...meta(name), spec };
}

/** A BFDProfile. */
export const bfd = (name: string, spec: BFDProfile['spec'] = {}): BFDProfile => ({ ...meta(name), spec });

/** A Community alias CR. */
export const community = (name: string, aliases: { name: string; value: string }[]): Community =>
  ({ ...meta(name), spec: { communities: aliases } });

/** An L2Advertisement. */
export const l2 = (name: string, spec: L2Advertisement['spec'] = {}): L2Advertisement => ({ ...meta(name), spec });

/** A BGPAdvertisement. */
export const bgpAdv = (name: string, spec: BGPAdvertisement['spec'] = {}): BGPAdvertisement => ({ ...meta(name), spec });

/** A Secret (data values are given in clear and base64-encoded here). */
export const secret = (name: string, type: string, data: Record<string, string>): V1Secret => ({
  metadata: { name, namespace: 'metallb-system' }, type,
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, btoa(String.fromCharCode(...new TextEncoder().encode(v)))])),
});

/** A Node. */
export const node = (name: string, labels: Record<string, string> = {}): V1Node => ({ metadata: { name, labels } });

/** A Namespace. */
export const namespace = (name: string, labels: Record<string, string> = {}): V1Namespace => ({ metadata: { name, labels } });

/** Fills in empty lists. */
export const resources = (r: Partial<ClusterResources>): ClusterResources => ({ ...emptyResources, ...r });

/** One expected finding: `Kind/name`, field, rule and error kind (message optionally matched). */
export interface Want {
  readonly rule: string;
  readonly object: string;
  readonly field: string;
  readonly kind?: 'invalid' | 'transient';
  readonly message?: RegExp;
}

/** A table row: resources in, exactly these findings out ([] = valid). */
export interface Case {
  readonly desc: string;
  readonly input: Partial<ClusterResources>;
  readonly want: readonly Want[];
  readonly opts?: ConfigForOptions;
}

/** Runs configFor on each row and compares the findings (sorted) with `want`. */
export function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.desc, () => {
      const r = configFor(resources(c.input), c.opts);
      const got = r.ok ? [] : r.error;
      const project = (e: { rule: string; object: string; field: string; kind?: string }) =>
        ({ rule: e.rule, object: e.object, field: e.field, kind: e.kind ?? 'invalid' });
      assert.deepEqual(
        got.map((e) => project({ ...e, object: `${e.object.kind}/${e.object.name}` })),
        c.want.map(project),
        JSON.stringify(got, null, 1),
      );
      c.want.forEach((w, i) => {
        if (w.message !== undefined) assert.match(got[i]?.message ?? '', w.message);
      });
    });
  }
}
