/**
 * Bounded CPU burners for the soak: one child per core spinning until its deadline, so the lab's
 * speakers compete for CPU like on a busy node. Each child stops by itself at the deadline, is
 * killed by execa's timeout a little later at the latest, and {@link CpuBurners.stop} ends them
 * earlier by their own PIDs.
 */
import { availableParallelism } from 'node:os';
import { execa } from 'execa';

/** A spin loop that ends at a wall-clock deadline (ms since epoch), checked every iteration. */
const spinScript = (untilMs: number): string => `const end = ${untilMs}; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1000003;`;

/** One burner process, killed by execa `timeoutMs` after its start at the latest. */
const spawnBurner = (untilMs: number, timeoutMs: number) => execa(process.execPath, ['-e', spinScript(untilMs)], { reject: false, timeout: timeoutMs });
type Burner = ReturnType<typeof spawnBurner>;

/** Running burners. */
export class CpuBurners {
  readonly #children: Burner[];

  private constructor(children: Burner[]) {
    this.#children = children;
  }

  /** Starts `count` burners (default: one per core) for at most `seconds`. */
  static start(seconds: number, count = availableParallelism()): CpuBurners {
    const until = Date.now() + seconds * 1000;
    return new CpuBurners(Array.from({ length: count }, () => spawnBurner(until, seconds * 1000 + 5_000)));
  }

  /** How many run. */
  get count(): number {
    return this.#children.length;
  }

  /** Ends every burner (by its PID) and waits for them. */
  async stop(): Promise<void> {
    for (const c of this.#children) c.kill('SIGKILL');
    await Promise.all(this.#children);
  }
}
