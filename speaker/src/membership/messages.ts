/**
 * The gossip protocol's messages (SWIM + Lifeguard), as plain values. The codec turns them into
 * bytes; the state machine consumes and produces them. Nothing here knows about sockets.
 */

/** A member's transport address, `host:port` (IPv6 hosts in brackets); opaque to the core. */
export type Addr = string;

/** What a member is believed to be. `left` is `dead` reached by a graceful leave. */
export type MemberStatus = 'alive' | 'suspect' | 'dead' | 'left';

/** Direct probe: "are you `target`?" Answered with an {@link Ack} carrying the same `seq`. */
export interface Ping {
  readonly type: 'ping';
  /** Sequence number chosen by the sender, echoed in the ack. */
  readonly seq: number;
  /** The name the sender believes it is probing; a receiver with another name ignores it. */
  readonly target: string;
  /** Name of the sender (used to refute a suspicion carried in the same packet). */
  readonly from: string;
}

/** Positive answer to a {@link Ping} (or relayed answer to a {@link PingReq}). */
export interface Ack {
  readonly type: 'ack';
  readonly seq: number;
  /** Name of the member that sends the ack. */
  readonly from: string;
}

/** Indirect probe request: "please ping `target` at `targetAddr` for me and relay the ack". */
export interface PingReq {
  readonly type: 'ping-req';
  readonly seq: number;
  readonly target: string;
  readonly targetAddr: Addr;
  readonly from: string;
}

/** Lifeguard: the relay of a {@link PingReq} could not reach the target in time. */
export interface Nack {
  readonly type: 'nack';
  readonly seq: number;
  readonly from: string;
}

/** Rumour: `from` failed to reach `node` at `incarnation`. */
export interface Suspect {
  readonly type: 'suspect';
  readonly node: string;
  readonly incarnation: number;
  readonly from: string;
}

/** Rumour: `node` is alive at `incarnation`, reachable at `addr` (also the refutation). */
export interface Alive {
  readonly type: 'alive';
  readonly node: string;
  readonly incarnation: number;
  readonly addr: Addr;
}

/** Rumour: `node` is dead at `incarnation`; `from === node` marks a graceful leave. */
export interface Dead {
  readonly type: 'dead';
  readonly node: string;
  readonly incarnation: number;
  readonly from: string;
}

/** One member's state in a push-pull exchange. */
export interface MemberSnapshot {
  readonly node: string;
  readonly addr: Addr;
  readonly incarnation: number;
  readonly status: MemberStatus;
}

/** Anti-entropy: the sender's full member table (sent over the stream channel). */
export interface PushPull {
  readonly type: 'push-pull';
  /** Sent by a joining member: the receiver answers even if it has never heard of the sender. */
  readonly join: boolean;
  /** True for the answer to a push-pull, which is not answered again. */
  readonly reply: boolean;
  /** Name and address of the sender, so the receiver can answer. */
  readonly from: string;
  readonly fromAddr: Addr;
  readonly members: readonly MemberSnapshot[];
}

/** Every message of the protocol. */
export type Message = Ping | Ack | PingReq | Nack | Suspect | Alive | Dead | PushPull;

/** The rumours disseminated by piggybacking (membership updates). */
export type Rumour = Suspect | Alive | Dead;
