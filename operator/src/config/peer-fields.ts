/**
 * The BGPPeer fields that need more than a range check: timers (R5) and the password taken
 * from a Secret (R9).
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { BGPPeer } from './cr-types.ts';
import type { ErrorSink } from './errors.ts';
import { checkFrrString } from '../frr/grammar.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

type Spec = BGPPeer['spec'];

/** Hold and keepalive times in ms, both set or both unset. */
export interface Timers {
  /** Hold time in ms. */
  readonly holdTimeMs?: number;
  /** Keepalive time in ms. */
  readonly keepaliveTimeMs?: number;
}

/** Parses one duration field, reporting text Go would reject (R5). */
export function durationField(spec: Spec, key: 'holdTime' | 'keepaliveTime' | 'connectTime', sink: ErrorSink): number | undefined {
  const text = spec[key];
  if (text === undefined || text === null) return undefined;
  const ms = parseGoDuration(text);
  if (ms === undefined) sink.invalid('R5', `spec.${key}`, `invalid BGPPeer timers: invalid duration "${text}"`);
  return ms;
}

/**
 * MetalLB's parseTimers (R5): only hold → keepalive = hold/3; only keepalive → hold =
 * 3×keepalive; hold truncated to seconds must be 0 or ≥ 3s; keepalive must not exceed hold.
 */
export function timersFor(spec: Spec, sink: ErrorSink): Timers {
  const hold = durationField(spec, 'holdTime', sink);
  const ka = durationField(spec, 'keepaliveTime', sink);
  if (hold === undefined && ka === undefined) return {};
  const holdMs = hold ?? (ka ?? 0) * 3;
  const kaMs = ka ?? holdMs / 3;
  const holdText = spec.holdTime ?? formatGoDuration(holdMs);
  const seconds = Math.trunc(holdMs / 1000);
  if (seconds !== 0 && seconds < 3) {
    sink.invalid('R5', 'spec.holdTime', `invalid BGPPeer timers: invalid hold time "${holdText}": must be 0 or >=3s`);
    return {};
  }
  if (kaMs > holdMs) {
    const kaText = spec.keepaliveTime ?? formatGoDuration(kaMs);
    sink.invalid('R5', 'spec.keepaliveTime', `invalid BGPPeer timers: invalid keepaliveTime "${kaText}", must be lower than holdTime "${holdText}"`);
    return {};
  }
  return { holdTimeMs: holdMs, keepaliveTimeMs: kaMs };
}

const BASIC_AUTH = 'kubernetes.io/basic-auth';

/** Decodes a Secret data value (base64 of UTF-8); undefined when it is not valid base64. */
function decodeBase64(b64: string): string | undefined {
  try {
    const bin = atob(b64);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    // atob/TextDecoder throw on malformed input; that is a user error, reported by the caller.
    return undefined;
  }
}

/**
 * The Secret `ref` names, as MetalLB finds it: by name only, among the Secrets of the peer's own
 * namespace (MetalLB's namespace; it reads no other, so it needs no cluster-wide Secret rights).
 * `ref.namespace` is ignored, as MetalLB ignores it: a ref to another namespace finds the
 * same-named Secret of MetalLB's namespace, or nothing (transient). An object without a
 * namespace (offline input) matches any.
 */
function findSecret(ref: { name?: string }, peerNamespace: string | undefined, secrets: readonly V1Secret[]): V1Secret | undefined {
  const sameNamespace = (s: V1Secret): boolean =>
    peerNamespace === undefined || s.metadata?.namespace === undefined || s.metadata.namespace === peerNamespace;
  return secrets.find((s) => s.metadata?.name === ref.name && sameNamespace(s));
}

/** Reads the password of `spec.passwordSecret` (R9: missing secret is transient, wrong type or key invalid). */
export function secretPasswordFor(cr: BGPPeer, secrets: readonly V1Secret[], sink: ErrorSink): string | undefined {
  const ref = cr.spec.passwordSecret ?? {};
  const who = `"${cr.metadata?.namespace ?? ''}"/"${cr.metadata?.name ?? ''}"`;
  const secret = findSecret(ref, cr.metadata?.namespace, secrets);
  if (secret === undefined) {
    sink.transient('R9', 'spec.passwordSecret', `secret ref not found for peer config ${who}`);
    return undefined;
  }
  const where = `"${secret.metadata?.namespace ?? ''}"/"${secret.metadata?.name ?? ''}"`;
  if (secret.type !== BASIC_AUTH) {
    sink.invalid('R9', 'spec.passwordSecret', `secret type mismatch on ${where}, type "${BASIC_AUTH}" is expected`);
    return undefined;
  }
  const raw = secret.data?.['password'];
  const password = raw === undefined ? secret.stringData?.['password'] : decodeBase64(raw);
  if (password === undefined) {
    const why = raw === undefined ? `password not specified in the secret ${where}` : `password in the secret ${where} is not valid base64`;
    sink.invalid('R9', 'spec.passwordSecret', why);
  } else if (!checkFrrString('password', password, 'spec.passwordSecret').ok) {
    sink.invalid('R9', 'spec.passwordSecret', `password secret for peer ${who} contains invalid characters`);
    return undefined;
  }
  return password;
}
