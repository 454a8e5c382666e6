/** Why a frame did not decode; decoders return this instead of throwing. */
export type DecodeError =
  | {
      /** Fewer bytes than the layer's fixed part or declared length. */
      readonly kind: 'truncated';
      /** Which layer ran out of bytes. */
      readonly layer: 'ethernet' | 'arp' | 'ipv6' | 'icmpv6';
      /** Bytes available at that layer. */
      readonly length: number;
    }
  | {
      /** A well-formed frame of a kind the layer-2 responder does not handle. */
      readonly kind: 'unsupported';
      /** What it was, e.g. `ethertype 0x0800`, `icmpv6 type 128`. */
      readonly what: string;
    }
  | {
      /** The bytes contradict the protocol (bad lengths, bad checksum, zero-length option). */
      readonly kind: 'malformed';
      /** Which layer. */
      readonly layer: 'arp' | 'ipv6' | 'icmpv6';
      /** What is wrong. */
      readonly reason: string;
    };
