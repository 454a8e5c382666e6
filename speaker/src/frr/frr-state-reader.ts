/**
 * Reads BGP and BFD session state from FRR through vtysh JSON and parses it once
 * (core/frr-state.ts). Used for the plan status and, through a snapshot, for the metrics.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { parseBfdPeers, parseBgpNeighbors } from './core/frr-state.ts';
import type { FrrCli } from './frr-cli.ts';
import type { FrrStateSnapshot } from './frr-metrics.ts';

/** Why state could not be read. */
export interface StateReadError {
  readonly kind: 'vtysh-failed' | 'invalid-json';
  readonly command: string;
  readonly message: string;
}

/** Runs the three show commands and returns typed sessions. */
export async function readFrrState(cli: FrrCli): Promise<Result<FrrStateSnapshot, StateReadError>> {
  const bgp = await showJson(cli, 'show bgp vrf all neighbors json', {});
  if (!bgp.ok) return bgp;
  const bfd = await showJson(cli, 'show bfd peers json', []);
  if (!bfd.ok) return bfd;
  const counters = await showJson(cli, 'show bfd peers counters json', []);
  if (!counters.ok) return counters;
  const sessions = parseBgpNeighbors(bgp.value);
  if (!sessions.ok) return sessions;
  const peers = parseBfdPeers(bfd.value, counters.value);
  if (!peers.ok) return peers;
  return ok({ bgp: sessions.value, bfd: peers.value });
}

async function showJson(cli: FrrCli, command: string, whenEmpty: unknown): Promise<Result<unknown, StateReadError>> {
  const r = await cli.vtysh(['-c', command]);
  if (r.exitCode !== 0) return err({ kind: 'vtysh-failed', command, message: `${r.stdout}${r.stderr}`.slice(0, 500) });
  try {
    // With no BGP instance vtysh may print nothing at all.
    return ok(r.stdout.trim() === '' ? whenEmpty : JSON.parse(r.stdout));
  } catch (e) {
    return err({ kind: 'invalid-json', command, message: (e as Error).message });
  }
}
