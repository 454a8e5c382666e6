/**
 * One write pass at a time (shell helper): `kick()` starts a pass, or, while one runs, asks for
 * exactly one more after it; a burst of kicks during a pass costs one extra pass, not one each.
 * The plan status writers and the layer-2 reporter sync through it.
 */

/** Options of {@link serialPasses}. */
export interface SerialPassesOptions {
  /** One pass: read what is wanted, write what differs. */
  readonly pass: () => Promise<void>;
  /** A pass failed (logged and counted by the caller; the next kick retries). */
  readonly onError: (e: unknown) => void;
  /** No further pass once this says so. */
  readonly stopped?: () => boolean;
}

/** The handle of {@link serialPasses}. */
export interface SerialPasses {
  kick(): void;
  /** Resolves once no pass runs and none is asked for. */
  idle(): Promise<void>;
}

/** See the module comment. */
export function serialPasses(o: SerialPassesOptions): SerialPasses {
  let running: Promise<void> | undefined;
  let again = false;
  const kick = (): void => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = o.pass().catch(o.onError).finally(() => {
      running = undefined;
      if (again && o.stopped?.() !== true) {
        again = false;
        kick();
      }
    });
  };
  return {
    kick,
    idle: async () => {
      while (running !== undefined) await running;
    },
  };
}
