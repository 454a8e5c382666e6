/**
 * `metallb-ts validate <files or dirs...>`: runs the same configFor as the operator over YAML
 * manifests, offline. Exit 0 valid, 1 configuration errors, 2 bad usage or unreadable input.
 */
import { configFor } from '../config/config-for.ts';
import type { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/types.ts';
import { sortDocuments } from './documents.ts';
import { collectFiles, readCrds, readDocuments } from './files.ts';
import { asStored, type ServedCrds } from './served-schema.ts';

/** Where the command writes; injected so tests and the binary share the code. */
export interface Output {
  /** One line of normal output. */
  out(line: string): void;
  /** One line of diagnostics. */
  err(line: string): void;
}

/** Usage text of the validate subcommand. */
export const VALIDATE_USAGE = `usage: metallb-ts validate <file or directory>...

Validates metallb.io manifests (IPAddressPool, BGPPeer, BFDProfile, Community, L2Advertisement,
BGPAdvertisement, plus the Secrets, Nodes and Namespaces they refer to) with the operator's own
rules. Directories are searched recursively for *.yaml and *.yml files. Each object is first
judged as the apiserver would store it: fields its served version's schema lacks are dropped
(e.g. vrf on a BGPPeer v1beta1) and schema defaults applied. Without Node objects, every pair
of peers and of BGP advertisements is treated as able to land on the same node.

Exit status: 0 valid, 1 configuration errors, 2 bad usage or unreadable input.`;

/** `<Kind>/<name> <field>: <message>`, one line per error. */
export function formatError(e: ConfigError): string {
  const where = e.field === '' ? `${e.object.kind}/${e.object.name}` : `${e.object.kind}/${e.object.name} ${e.field}`;
  return `${where}: ${e.message.replaceAll('\n', ' ')}`;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The one-line summary of a valid configuration. */
export function summary(c: Config): string {
  return `valid: ${[
    count(c.pools.length, 'pool', 'pools'), count(c.peers.length, 'peer', 'peers'),
    count(c.bfdProfiles.length, 'BFD profile', 'BFD profiles'), count(c.communities.length, 'community alias', 'community aliases'),
    count(c.l2Advertisements.length, 'L2 advertisement', 'L2 advertisements'),
    count(c.bgpAdvertisements.length, 'BGP advertisement', 'BGP advertisements'),
  ].join(', ')}`;
}

/** Reads every document of every input path. */
export function loadAll(paths: readonly string[]): { docs: unknown[] } | { problem: string } {
  const files = collectFiles(paths);
  if (!files.ok) return { problem: files.error };
  if (files.value.length === 0) return { problem: `no *.yaml or *.yml files in ${paths.join(' ')}` };
  const docs: unknown[] = [];
  for (const f of files.value) {
    const d = readDocuments(f);
    if (!d.ok) return { problem: d.error };
    docs.push(...d.value);
  }
  return { docs };
}

/** Notes about how the input was judged (printed to the diagnostics stream, `note: …`). */
function notesFor(dropped: readonly string[], resources: ReturnType<typeof sortDocuments>['resources']): string[] {
  const notes = [...dropped];
  if (resources.nodes.length === 0 && (resources.peers.length > 1 || resources.bgpAdvertisements.length > 1)) {
    notes.push('no Node objects given: every pair of BGPPeers (F1) and of BGPAdvertisements (A7 localPref) is assumed to share a node');
  }
  return notes.map((n) => `note: ${n}`);
}

/** Each document as the cluster would store it, plus a note per dropped field. */
export function judgeAsStored(docs: readonly unknown[], crds: ServedCrds): { docs: unknown[]; dropped: string[] } {
  const dropped: string[] = [];
  const stored = docs.map((d) => {
    const s = asStored(d, crds);
    const meta = (d as { apiVersion?: string; kind?: string; metadata?: { name?: string } }) ?? {};
    for (const f of s.dropped) {
      dropped.push(`${meta.kind ?? ''}/${meta.metadata?.name ?? ''} (${meta.apiVersion ?? ''}): ${f} is not in the served schema; the apiserver drops it`);
    }
    return s.doc;
  });
  return { docs: stored, dropped };
}

/** Runs the subcommand; returns the exit status. */
export function runValidate(args: readonly string[], io: Output): number {
  if (args.length === 0 || args.some((a) => a === '-h' || a === '--help')) {
    (args.length === 0 ? io.err : io.out)(VALIDATE_USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const loaded = loadAll(args);
  if ('problem' in loaded) {
    io.err(`metallb-ts validate: ${loaded.problem}`);
    return 2;
  }
  const crds = readCrds();
  if (!crds.ok) {
    io.err(`metallb-ts validate: ${crds.error}`);
    return 2;
  }
  const judged = judgeAsStored(loaded.docs, crds.value);
  const { resources } = sortDocuments(judged.docs);
  for (const note of notesFor(judged.dropped, resources)) io.err(note);
  let result: ReturnType<typeof configFor>;
  try {
    result = configFor(resources, { nodesKnown: resources.nodes.length > 0 });
  } catch (e) {
    // Only documents that do not even have the CRD's shape (e.g. a string where a list belongs) get here.
    io.err(`metallb-ts validate: input does not match the CRD schemas: ${(e as Error).message}`);
    return 2;
  }
  if (result.ok) {
    io.out(summary(result.value));
    return 0;
  }
  for (const e of result.error) io.out(formatError(e));
  return 1;
}
