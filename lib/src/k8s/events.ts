/**
 * Kubernetes Events (events.k8s.io/v1) about objects, MetalLB's way: attached to the Service,
 * with MetalLB's reasons (`IPAllocated`, `nodeAssigned`, ...).
 *
 * De-duplication: a repeat of the same event (same object uid, type, reason and note) within
 * `windowMs` (default 6 min, as client-go's event series) does NOT create a new Event object; the
 * first one's `series` is updated instead ({count, lastObservedTime}, merge patch). This is
 * series-based de-duplication, not rate limiting: every occurrence is counted, none is dropped.
 * If the original Event is gone (TTL, deleted) a new one is created.
 *
 * Memory: at most `maxInFlight` writes run at once (default 4); the rest wait as small
 * (subject, input) records. Unbounded, a backlog of 10,000 new Services started 10,000 Event
 * requests at once, each holding its request body, promise chain and, in undici, a connection
 * of its own (the pool has no per-origin limit). {@link EventRecorder.flush} (a stopping
 * replica) widens that to `drainInFlight` (default 32) so the queue empties within the grace
 * period instead of being lost with the process.
 */
import type { EventsV1Event } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { CounterPort } from '../metrics.ts';
import { err, ok, type Result } from '../result.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { apiResult } from './api-errors.ts';
import { MERGE_PATCH, type KubeClient } from './kube-client.ts';
import { microTime, type MicroTime } from './micro-time.ts';

/** An Event's `series` (times as MicroTime strings). */
export interface EventSeries {
  count: number;
  lastObservedTime: MicroTime;
}

/** An events.k8s.io/v1 Event as plain JSON (times as MicroTime strings). */
export interface KubeEvent extends Omit<EventsV1Event, 'eventTime' | 'series' | 'deprecatedFirstTimestamp' | 'deprecatedLastTimestamp'> {
  eventTime: MicroTime;
  series?: EventSeries;
}

/** The narrow Events port (a fake in unit tests). */
export interface EventSink {
  /** Creates an Event (named by the caller); returns it as stored. */
  create(namespace: string, event: KubeEvent): Promise<KubeEvent>;
  /** Sets `series` on an existing Event; `'not-found'` when it no longer exists. */
  patchSeries(namespace: string, name: string, series: EventSeries): Promise<Result<KubeEvent, 'not-found'>>;
}

/** An {@link EventSink} on the real API (the raw client). */
export function eventSinkFor(kube: KubeClient): EventSink {
  const events = (namespace: string): string => `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`;
  return {
    create: (namespace, body) => kube.request<KubeEvent>({ method: 'POST', path: events(namespace), body }),
    patchSeries: (namespace, name, series) =>
      apiResult(() => kube.request<KubeEvent>({ method: 'PATCH', path: `${events(namespace)}/${encodeURIComponent(name)}`, body: { series }, contentType: MERGE_PATCH }), ['not-found']),
  };
}

/** The object an event is about (list items carry no apiVersion/kind, so the caller states them). */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** One occurrence to record. */
export interface EventInput {
  readonly type: 'Normal' | 'Warning';
  /** MetalLB's reason, e.g. `IPAllocated`. */
  readonly reason: string;
  /** Human-readable message (truncated to the API's 1 kB). */
  readonly note: string;
  /** What was done (defaults to the reason). */
  readonly action?: string;
}

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  readonly sink: EventSink;
  /** `metallb.io/controller` or `metallb.io/speaker`. */
  readonly reportingController: 'metallb.io/controller' | 'metallb.io/speaker';
  /** This replica (pod or node name). */
  readonly reportingInstance: string;
  readonly clock?: Clock;
  /** Repeats within this window update the series (default 6 min). */
  readonly windowMs?: number;
  /** How many distinct recent events are remembered (default 4096; oldest forgotten first). */
  readonly maxRemembered?: number;
  /** Writes running at once (default 4); the others wait their turn, in order. */
  readonly maxInFlight?: number;
  /** Writes running at once while {@link EventRecorder.flush} drains the queue (default 32, at least `maxInFlight`). */
  readonly drainInFlight?: number;
  /** Where failed writes are logged with their reason. */
  readonly logger?: Logger;
  /** Counts failed writes (`metallb_ts_event_write_errors_total`). */
  readonly errors?: CounterPort;
}

/** How an occurrence was written. */
export type RecordOutcome = 'created' | 'series';

interface Remembered {
  readonly namespace: string;
  readonly name: string;
  readonly firstAt: number;
  count: number;
}

const NOTE_MAX = 1024;

/**
 * The Event name, as client-go forms it: `<object name>.<hex timestamp>`. (A `generateName` of
 * `<name>.` is rejected: it must itself be a valid DNS subdomain.) `seq` separates events
 * created within the same millisecond.
 */
export function eventName(subjectName: string, now: number, seq: number): string {
  return `${subjectName}.${(BigInt(now) * 1_000_000n + BigInt(seq % 1_000_000)).toString(16)}`;
}

/** The Event object for a first occurrence. */
export function eventFor(o: EventRecorderOptions, subject: EventSubject, input: EventInput, name: string, now: number): KubeEvent {
  return {
    metadata: { name, namespace: subject.namespace },
    eventTime: microTime(now),
    reportingController: o.reportingController,
    reportingInstance: o.reportingInstance,
    action: input.action ?? input.reason,
    reason: input.reason,
    note: input.note.length > NOTE_MAX ? `${input.note.slice(0, NOTE_MAX - 3)}...` : input.note,
    type: input.type,
    regarding: { apiVersion: subject.apiVersion, kind: subject.kind, namespace: subject.namespace, name: subject.name, uid: subject.uid },
  };
}

/** Writes events with series de-duplication; see the module comment. */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #recent = new Map<string, Remembered>();
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #waiting: Array<() => void> = [];
  #active = 0;
  #seq = 0;
  /** A flush is running: the queue drains with `drainInFlight` writes at once. */
  #draining = 0;

  /** Creates a recorder. */
  constructor(opts: EventRecorderOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Records one occurrence; failures are logged and returned, never thrown. */
  record(subject: EventSubject, input: EventInput): Promise<Result<RecordOutcome, unknown>> {
    const key = [subject.uid, input.type, input.reason, input.note].join('\u0000');
    // Occurrences of one event are written in order, so a repeat sees the first one's name.
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.#limited(() => this.#write(key, subject, input)));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
    return next;
  }

  /**
   * Resolves once every occurrence recorded so far is written (or has failed and been counted),
   * or after `timeoutMs`: a stopping replica must not drop the Events of allocations it made.
   * Returns how many writes were still queued or running at the timeout (0 when all landed).
   * Meanwhile up to `drainInFlight` writes run at once: behind a backlog of allocations the
   * queue can hold thousands, which `maxInFlight` alone would not write within a grace period.
   */
  async flush(timeoutMs: number): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    this.#draining++;
    // Waiters re-check the limit when woken, so waking more than fit is harmless.
    for (let free = this.#max() - this.#active; free > 0 && this.#waiting.length > 0; free--) this.#waiting.shift()?.();
    try {
      while (this.#chains.size > 0) {
        const r = await Promise.race([Promise.allSettled([...this.#chains.values()]), timedOut]);
        if (r === 'timeout') return this.#chains.size;
        // The chains' own clean-up runs in a later microtask; let it.
        await Promise.resolve();
      }
      return 0;
    } finally {
      clearTimeout(timer);
      this.#draining--;
    }
  }

  /** Writes allowed at once now. */
  #max(): number {
    const normal = Math.max(1, this.#o.maxInFlight ?? 4);
    return this.#draining > 0 ? Math.max(normal, this.#o.drainInFlight ?? 32) : normal;
  }

  /** Runs `fn` once fewer than {@link #max} writes are running. */
  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#active >= this.#max()) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  async #write(key: string, subject: EventSubject, input: EventInput): Promise<Result<RecordOutcome, unknown>> {
    try {
      return ok(await this.#seriesOrCreate(key, subject, input));
    } catch (e) {
      this.#o.errors?.inc();
      this.#o.logger?.warn('writing event failed', { reason: String(e), service: `${subject.namespace}/${subject.name}`, event: input.reason });
      return err(e);
    }
  }

  async #seriesOrCreate(key: string, subject: EventSubject, input: EventInput): Promise<RecordOutcome> {
    const now = this.#clock.now();
    const seen = this.#recent.get(key);
    if (seen !== undefined && now - seen.firstAt < (this.#o.windowMs ?? 360_000)) {
      const series = { count: seen.count + 1, lastObservedTime: microTime(now) };
      const patched = await this.#o.sink.patchSeries(seen.namespace, seen.name, series);
      if (patched.ok) {
        seen.count++;
        return 'series';
      }
    }
    const created = await this.#o.sink.create(subject.namespace, eventFor(this.#o, subject, input, eventName(subject.name, now, this.#seq++), now));
    this.#remember(key, { namespace: subject.namespace, name: created.metadata?.name ?? '', firstAt: now, count: 1 });
    return 'created';
  }

  #remember(key: string, r: Remembered): void {
    this.#recent.delete(key);
    this.#recent.set(key, r);
    const max = this.#o.maxRemembered ?? 4096;
    for (const oldest of this.#recent.keys()) {
      if (this.#recent.size <= max) break;
      this.#recent.delete(oldest);
    }
  }
}
