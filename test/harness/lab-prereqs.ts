/**
 * Checks that the binaries the network lab drives are installed, and says how to install the
 * missing ones. Tests never skip: a missing tool is a failure whose message names the fix.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** One binary the lab needs and the Debian packages that provide it. */
export interface Requirement {
  /** What the message calls it ("FRR", "ip"). */
  readonly what: string;
  /** Absolute path, or a bare name looked up on PATH. */
  readonly bin: string;
  /** Debian packages that install it (named in the error message). */
  readonly packages: readonly string[];
}

/** Directory holding the FRR daemons and frr-reload.py on Debian. */
export const FRR_LIBEXEC = '/usr/lib/frr';

/** Everything the lab and its FRR instances run. */
export const LAB_REQUIREMENTS: readonly Requirement[] = [
  { what: 'FRR', bin: `${FRR_LIBEXEC}/zebra`, packages: ['frr', 'frr-pythontools'] },
  { what: 'vtysh', bin: 'vtysh', packages: ['frr'] },
  { what: 'frr-reload.py', bin: `${FRR_LIBEXEC}/frr-reload.py`, packages: ['frr-pythontools'] },
  { what: 'ip', bin: 'ip', packages: ['iproute2'] },
  { what: 'nft', bin: 'nft', packages: ['nftables'] },
  { what: 'arping', bin: 'arping', packages: ['iputils-arping'] },
];

/** Thrown when a required binary is missing; `code` is stable for callers that branch on it. */
export class MissingPrerequisiteError extends Error {
  /** Always `'missing-prerequisite'`. */
  readonly code = 'missing-prerequisite';
  /** The requirements that were not met. */
  readonly missing: readonly Requirement[];

  constructor(missing: readonly Requirement[]) {
    super(missing.map(installMessage).join('; '));
    this.name = 'MissingPrerequisiteError';
    this.missing = missing;
  }
}

/** The one-line install hint for a requirement. */
export function installMessage(req: Requirement): string {
  const noun = req.packages.length > 1 ? 'packages' : 'package';
  return `${req.what} is not installed: run sudo hack/setup.sh (Debian ${noun} ${req.packages.join(' ')})`;
}

/**
 * Throws {@link MissingPrerequisiteError} naming every requirement whose binary is not an
 * executable file. Synchronous so a test can call it before anything else.
 */
export function assertInstalled(reqs: readonly Requirement[] = LAB_REQUIREMENTS): void {
  const missing = reqs.filter((r) => resolveBin(r.bin) === undefined);
  if (missing.length > 0) throw new MissingPrerequisiteError(missing);
}

/** Resolves a bare name on PATH (plus the sbin dirs `sudo` would add); undefined when absent. */
export function resolveBin(bin: string): string | undefined {
  if (isAbsolute(bin)) return isExecutable(bin) ? bin : undefined;
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.filter((d) => d !== '').map((d) => join(d, bin)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
