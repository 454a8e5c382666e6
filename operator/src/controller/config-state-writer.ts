/**
 * Writes the controller's ConfigurationState (`controller`, label
 * `metallb.io/component-type: controller`): creates it when missing (also after a deletion),
 * writes `status` through the status subresource only when it changes, and emits a Warning
 * `ConfigurationError` Event regarding it for an invalid configuration.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { CONFIGURATIONSTATE, type ConfigurationState } from '@metallb-ts/lib/api/types.generated.ts';
import { CodedError } from '@metallb-ts/lib/errors.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import type { EventInput, EventSubject } from '@metallb-ts/lib/k8s/events.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';
import { errorSummaryOf, sameStatus, stateStatusFor, type ConfigVerdict, type StateCondition, type StateStatus } from './config-state.ts';
import type { VerdictSink } from './config-reconciler.ts';

/** Reads and writes the controller's ConfigurationState. */
export interface ConfigStatePort {
  /** The object, or undefined when it does not exist. */
  read(): Promise<ConfigurationState | undefined>;
  /** Creates the (status-less) object; an existing one is returned as is. */
  create(obj: ConfigurationState): Promise<ConfigurationState>;
  /** Replaces its status (merge patch on /status); `'not-found'` when it is gone. */
  patchStatus(status: StateStatus): Promise<ConfigurationState | 'not-found'>;
}

/** Records Events (the EventRecorder fits; it logs and counts its own failures). */
export interface EventPort {
  record(subject: EventSubject, input: EventInput): Promise<unknown>;
}

/** Why writing the ConfigurationState failed (besides the port's own errors, chained as cause). */
export const CONFIG_STATE_ERROR_CODES = ['deleted-while-writing', 'write-failed'] as const;

/** A failed ConfigurationState write; `code` is one of {@link CONFIG_STATE_ERROR_CODES}. */
export class ConfigStateError extends CodedError<(typeof CONFIG_STATE_ERROR_CODES)[number]> {}

/** Options of {@link ConfigStateWriter}. */
export interface ConfigStateWriterOptions {
  readonly port: ConfigStatePort;
  readonly namespace: string;
  /** Object name (`controller`). */
  readonly name: string;
  /** The own pod, when known (MetalLB sets it as owner). */
  readonly owner?: V1OwnerReference;
  readonly events: EventPort;
  readonly clock: Clock;
  /** `metallb_k8s_client_updates_total` / `…_update_errors_total`. */
  readonly metrics: { readonly updates: CounterPort; readonly updateErrors: CounterPort };
  readonly logger: Logger;
}

/** The stored status in our field order ('Unknown' without conditions). */
function storedStatus(obj: ConfigurationState | undefined): StateStatus | undefined {
  const s = obj?.status;
  if (s === undefined) return undefined;
  const conditions = (s.conditions ?? []).map((c): StateCondition => ({
    type: c.type as StateCondition['type'], status: c.status as StateCondition['status'], reason: c.reason as StateCondition['reason'],
    message: c.message, lastTransitionTime: String(c.lastTransitionTime as unknown),
  }));
  return { result: s.result ?? 'Unknown', errorSummary: s.errorSummary ?? '', conditions };
}

/** See the module comment. */
export class ConfigStateWriter implements VerdictSink {
  readonly #o: ConfigStateWriterOptions;

  /** Creates a writer. */
  constructor(opts: ConfigStateWriterOptions) {
    this.#o = opts;
  }

  /** Writes the status for `v`; failures are logged, counted and returned as `'failed'`. */
  async report(v: ConfigVerdict): Promise<'written' | 'unchanged' | 'failed'> {
    try {
      const obj = await this.#ensure();
      const r = await this.#write(obj, v);
      if (v.kind !== 'valid') await this.#warn(obj, v);
      return r;
    } catch (cause) {
      const e = cause instanceof ConfigStateError ? cause : new ConfigStateError('write-failed', String(cause), { cause });
      this.#o.metrics.updateErrors.inc();
      this.#o.logger.warn('writing ConfigurationState failed', { code: e.code, reason: e.message });
      return 'failed';
    }
  }

  async #ensure(): Promise<ConfigurationState> {
    const existing = await this.#o.port.read();
    if (existing !== undefined) return existing;
    return this.#o.port.create({
      apiVersion: `${CONFIGURATIONSTATE.group}/${CONFIGURATIONSTATE.version}`,
      kind: CONFIGURATIONSTATE.kind,
      metadata: {
        name: this.#o.name, namespace: this.#o.namespace, labels: { 'metallb.io/component-type': 'controller' },
        ...(this.#o.owner === undefined ? {} : { ownerReferences: [this.#o.owner] }),
      },
    });
  }

  async #write(obj: ConfigurationState, v: ConfigVerdict): Promise<'written' | 'unchanged'> {
    const before = storedStatus(obj);
    const next = stateStatusFor(v, before?.conditions ?? [], this.#o.clock.now());
    if (sameStatus(before, next)) return 'unchanged';
    const r = await this.#o.port.patchStatus(next);
    if (r === 'not-found') throw new ConfigStateError('deleted-while-writing', 'ConfigurationState deleted while writing it');
    this.#o.metrics.updates.inc();
    return 'written';
  }

  async #warn(obj: ConfigurationState, v: ConfigVerdict): Promise<void> {
    const subject = {
      apiVersion: `${CONFIGURATIONSTATE.group}/${CONFIGURATIONSTATE.version}`, kind: CONFIGURATIONSTATE.kind,
      namespace: this.#o.namespace, name: this.#o.name, uid: obj.metadata?.uid ?? '',
    };
    await this.#o.events.record(subject, { type: 'Warning', reason: 'ConfigurationError', note: errorSummaryOf(v) });
  }
}
