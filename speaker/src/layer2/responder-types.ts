/** Options and values of the layer-2 responder (responder.ts). */
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import type { OpenFrameIo } from './frame-io.ts';
import type { Layer2Metrics } from './layer2-metrics.ts';
import type { MulticastGroups } from './multicast-groups.ts';

/** Another MAC holds an address this node probed for or announces. */
export interface AddressConflict {
  /** The address. */
  readonly ip: string;
  /** The other holder's MAC. */
  readonly mac: string;
  /** Interface the claim was seen on. */
  readonly iface: string;
  /** When it was first seen (clock ms). */
  readonly since: number;
  /** `probe`: found before announcing, so the address was not announced; `announced`: seen while announcing. */
  readonly phase: 'probe' | 'announced';
}

/** How {@link Layer2Responder.announce} ended. */
export type AnnounceOutcome =
  | { readonly kind: 'announced' }
  | { readonly kind: 'conflict'; readonly conflict: AddressConflict }
  | { readonly kind: 'withdrawn' };

/** Options of one announce. */
export interface AnnounceOptions {
  /** Interfaces to announce on (default: all of the responder's). */
  readonly interfaces?: readonly string[];
  /** Probe for the address first (default true). */
  readonly probe?: boolean;
}

/** Address-conflict probe: `count` probes `intervalMs` apart; silence for the last interval means free. */
export interface ProbeOptions {
  /** Probes per interface. */
  readonly count: number;
  /** Gap between probes, and the wait after the last. */
  readonly intervalMs: number;
}

/** Gratuitous announcements. */
export interface GratuitousOptions {
  /** Gap between repeats (MetalLB: 1100 ms). */
  readonly intervalMs: number;
  /** Repeat until this long after the last (re)announce (MetalLB: 5000 ms). */
  readonly durationMs: number;
  /** After the burst, keep announcing this often (switch tables age out); off when absent. */
  readonly refreshMs?: number;
}

/** MetalLB's timing. */
export const SPAM_DEFAULTS: GratuitousOptions = { intervalMs: 1100, durationMs: 5000 };
/** A conflict seen while announcing is probed for again this often; unclaimed since the last probe, it is cleared. */
export const CONFLICT_RECHECK_MS = 10_000;
/** Three probes 100 ms apart: an address in use is found within 300 ms. */
export const PROBE_DEFAULTS: ProbeOptions = { count: 3, intervalMs: 100 };

/** Everything {@link Layer2Responder.start} needs. */
export interface ResponderOptions {
  /** Interfaces to capture on (already selected by the interface rules). */
  readonly interfaces: ReadonlyArray<{ readonly name: string; readonly mac: string }>;
  /** Opens raw-frame I/O on one interface. */
  readonly openFrameIo: OpenFrameIo;
  /** Solicited-node group memberships. */
  readonly groups: MulticastGroups;
  /** Time. */
  readonly clock: Clock;
  /** Counters. */
  readonly metrics: Layer2Metrics;
  /** Called once per (address, foreign MAC), again only after it was cleared. */
  readonly onConflict?: (c: AddressConflict) => void;
  /** A conflict seen while announcing is over: that MAC no longer claims the address (see {@link CONFLICT_RECHECK_MS}). */
  readonly onConflictCleared?: (c: AddressConflict) => void;
  /** Recheck interval of conflicts seen while announcing (default {@link CONFLICT_RECHECK_MS}). */
  readonly conflictRecheckMs?: number;
  /** Called when a send fails (the caller logs and counts it). */
  readonly onError?: (e: Error) => void;
  /** Probe timing (default {@link PROBE_DEFAULTS}). */
  readonly probe?: ProbeOptions;
  /** Gratuitous timing (default {@link SPAM_DEFAULTS}). */
  readonly gratuitous?: GratuitousOptions;
}
