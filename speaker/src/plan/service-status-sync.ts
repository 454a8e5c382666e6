/**
 * Keeps this node's ServiceBGPStatus objects in line with the plan's `bgpServices` (shell, on
 * the narrow {@link ServiceStatusPort}). One call = one reconcile: list, compute the changes
 * (core/service-bgp.ts), write them. It never trusts a single list for long:
 * - after a plan change or any write it lists again at every call for `settleMs`, and stops
 *   only once a list taken `settleMs` after the last write still matched. A list that does
 *   not yet show a write of the previous pass (a create answered late, a stale read while the
 *   apiserver's cache re-initialises) used to be taken as the truth for good: the object it
 *   missed stayed forever (a stale ServiceBGPStatus after its BGPAdvertisement was deleted);
 * - once settled it lists again only every `resyncMs` (an object deleted or edited by someone
 *   else comes back), and writes nothing when nothing differs;
 * - deletes go first and one failed write does not stop the others (a create refused for one
 *   Service must not keep another Service's stale object); the failures are rethrown together
 *   so the caller retries.
 */
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { serviceStatusChanges } from './core/service-bgp.ts';
import type { ServiceStatusPort } from './plan-ports.ts';

/** Options of {@link serviceStatusSync}. */
export interface ServiceStatusSyncOptions {
  readonly port: ServiceStatusPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long after a plan change or a write every call lists again (default 10 s). */
  readonly settleMs?: number;
  /** How often a settled state is listed again (default 5 min). */
  readonly resyncMs?: number;
}

/** The handle of {@link serviceStatusSync}. */
export interface ServiceStatusSync {
  /** Reconciles against `wanted` (`namespace/name` → sorted BGPPeer names) when due; throws when a write failed. */
  sync(wanted: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /** Forgets what was seen (a new plan object): the next call lists. */
  reset(): void;
}

/** See the module comment. */
export function serviceStatusSync(o: ServiceStatusSyncOptions): ServiceStatusSync {
  const settleMs = o.settleMs ?? 10_000;
  const resyncMs = o.resyncMs ?? 300_000;
  /** The wanted key last reconciled, when it last changed or was written, when it was last listed. */
  let seen: { key: string; changedAt: number; listedAt: number } | undefined;
  return {
    reset: () => {
      seen = undefined;
    },
    sync: async (wanted) => {
      const key = JSON.stringify([...wanted]);
      const now = o.clock.now();
      if (seen?.key === key && seen.listedAt - seen.changedAt >= settleMs && now - seen.listedAt < resyncMs) return;
      const changes = serviceStatusChanges(wanted, await o.port.list());
      const writes = changes.create.length + changes.update.length + changes.delete.length;
      const failures: unknown[] = [];
      const attempt = async (w: () => Promise<void>): Promise<void> => {
        try {
          await w();
        } catch (e) {
          failures.push(e);
        }
      };
      for (const d of changes.delete) await attempt(() => o.port.delete(d));
      for (const u of changes.update) await attempt(() => o.port.patchPeers(u.name, u.service, u.peers));
      for (const c of changes.create) await attempt(() => o.port.create(c.service, c.peers));
      const after = o.clock.now();
      const settling = seen?.key !== key || writes > 0;
      seen = { key, changedAt: settling ? after : seen?.changedAt ?? after, listedAt: after };
      if (writes > 0) {
        o.logger.info('ServiceBGPStatus updated', {
          created: changes.create.length, updated: changes.update.length, deleted: changes.delete.length, failed: failures.length,
        });
      }
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${writes} ServiceBGPStatus writes failed: ${String(failures[0])}`);
    },
  };
}
