/**
 * Which FRR a lab instance runs, and how its binaries are started. Two builds:
 * - `'8.4'`: the machine's Debian bookworm packages (/usr/lib/frr, /usr/bin/vtysh), run directly;
 * - `'10'`: Debian trixie's FRR 10 in the root filesystem hack/setup-frr10.sh builds (MetalLB's
 *   chart ships FRR 10). Each of its binaries (daemons, vtysh, frr-reload.py) runs chrooted into
 *   that rootfs from a private mount namespace (`unshare --mount --propagation private`) in which
 *   the instance directory is bound over the rootfs's /run/frr and /etc/frr (FRR 10's defaults:
 *   mgmtd's sockets, bfdd's control socket, the legacy per-daemon files mgmtd looks for) and the
 *   temp dir at its own path (instance paths mean the same inside and out); nothing of the host's
 *   mount table changes, and the rootfs itself is never written.
 *
 * FRR 10 differs in how it starts: mgmtd (new) must run before staticd, mgmtd and staticd refuse
 * `-f`, bfdd has no `--bfdctl`. Its daemons therefore start without `-f` and get their
 * configuration the way FRR's own frrinit.sh gives it: `vtysh -b` once all run, `vtysh -b -d <d>`
 * after one restarts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRR_LIBEXEC, MissingPrerequisiteError } from './lab-prereqs.ts';

/** The FRR builds the lab runs. */
export const FRR_VERSIONS = ['8.4', '10'] as const;

/** One of {@link FRR_VERSIONS}. */
export type FrrVersion = (typeof FRR_VERSIONS)[number];

/** A daemon of either build. */
export type FrrDaemon = 'zebra' | 'mgmtd' | 'bgpd' | 'bfdd' | 'staticd';

/** A command line: what to exec and its arguments. */
export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
}

/** How one FRR build's binaries run for an instance directory. */
export interface FrrRuntime {
  readonly version: FrrVersion;
  /** Daemons in start order (8.4: zebra first; FRR 10: mgmtd first, the others are its backends). */
  readonly daemons: readonly FrrDaemon[];
  /** `chown` owner of the instance directory: the build's frr user and group. */
  readonly owner: string;
  /** Whether the daemons read the startup file themselves (`-f`); else `vtysh -b` applies it. */
  readonly daemonsReadConfig: boolean;
  /** Arguments every daemon gets besides the instance paths (`-w`: network namespaces as VRFs). */
  readonly extraDaemonArgs: readonly string[];
  /** The command that runs daemon `d` with `args`. */
  daemon(dir: string, d: FrrDaemon, args: readonly string[]): Command;
  /** The command that runs vtysh with `args`. */
  vtysh(dir: string, args: readonly string[]): Command;
  /** The command that runs frr-reload.py with `args` (its `--bindir` is the build's vtysh directory). */
  reloadPy(dir: string, args: readonly string[]): Command;
  /**
   * What the speaker is pointed at for this instance (`--frr-bin-dir`, `--frr-reload-script`):
   * for FRR 10 a `vtysh` wrapper written into `dir` and the rootfs's frr-reload.py.
   */
  speakerTools(dir: string): { readonly bindir: string; readonly reloadScript: string };
}

/** The machine's FRR (Debian bookworm, 8.4). */
export const HOST_FRR: FrrRuntime = {
  version: '8.4',
  daemons: ['zebra', 'bgpd', 'bfdd', 'staticd'],
  owner: 'frr:frr',
  daemonsReadConfig: true,
  extraDaemonArgs: [],
  daemon: (_dir, d, args) => ({ cmd: join(FRR_LIBEXEC, d), args }),
  vtysh: (_dir, args) => ({ cmd: 'vtysh', args }),
  reloadPy: (_dir, args) => ({ cmd: '/usr/bin/python3', args: [join(FRR_LIBEXEC, 'frr-reload.py'), '--bindir', '/usr/bin', ...args] }),
  speakerTools: () => ({ bindir: '/usr/bin', reloadScript: join(FRR_LIBEXEC, 'frr-reload.py') }),
};

/**
 * The mounts and the chroot, as `sh -c` script with `$1` = rootfs, `$2` = instance dir, `$3` =
 * temp dir, `$4` = the VRF namespaces (`name=/run/netns/<lab ns>` words), then the command. The
 * tmpfs over /run gives /run/frr a mountpoint without writing to the rootfs, and a /run/netns
 * that holds only the VRF namespaces named in `$4`: what zebra `-w` discovers as VRFs is
 * confined to those (never the machine's other namespaces). /proc and /sys are the ones of the
 * caller's network namespace.
 */
const MOUNTS = [
  'set -e', 'r=$1 d=$2 t=$3 v=$4', 'shift 4',
  'mount -t tmpfs -o mode=0755 frr-run "$r/run"', 'mkdir "$r/run/frr" "$r/run/netns"', 'mount --bind "$d" "$r/run/frr"',
  'for p in $v; do n=${p%%=*}; : >"$r/run/netns/$n"; mount --bind "${p#*=}" "$r/run/netns/$n"; done',
  'mount --bind "$d" "$r/etc/frr"', 'mount --bind "$t" "$r$t"', 'mount -t proc proc "$r/proc"', 'mount --rbind /sys "$r/sys"',
].join('\n');
const ENTER = `${MOUNTS}\nexec chroot "$r" "$@"`;
/**
 * A daemon's: FRR 10's `-d` keeps the caller's stdio open for as long as the daemon runs, so
 * they go to `<dir>/daemons.out` (read on a start failure) instead of the caller's pipes.
 */
const ENTER_DAEMON = `${MOUNTS}\nexec chroot "$r" "$@" </dev/null >>"$d/daemons.out" 2>&1`;

/** VRF name → the lab network namespace that backs it. */
export type VrfNetns = Readonly<Record<string, string>>;

/**
 * The FRR 10 build chrooted from `rootfs` (see the module comment); with `vrfNetns`, the
 * daemons run with `-w` and see exactly those namespaces, under the VRF names, in /run/netns.
 */
export function chrootFrr(rootfs: string, vrfNetns: VrfNetns = {}): FrrRuntime {
  const tmp = tmpdir();
  const vrfs = Object.entries(vrfNetns).map(([vrf, ns]) => {
    if (!/^[a-z][a-z0-9-]{0,14}$/.test(vrf) || !/^[a-z0-9-]+$/.test(ns)) throw new RangeError(`bad VRF namespace ${vrf}=${ns}`);
    return `${vrf}=/run/netns/${ns}`;
  }).join(' ');
  const enter = (dir: string, cmd: string, args: readonly string[], script = ENTER): Command => ({
    cmd: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', rootfs, dir, tmp, vrfs, cmd, ...args],
  });
  return {
    version: '10',
    daemons: ['mgmtd', 'zebra', 'bgpd', 'staticd', 'bfdd'],
    owner: ownerIn(rootfs),
    daemonsReadConfig: false,
    extraDaemonArgs: vrfs === '' ? [] : ['-w'],
    daemon: (dir, d, args) => enter(dir, join(FRR_LIBEXEC, d), args, ENTER_DAEMON),
    vtysh: (dir, args) => enter(dir, '/usr/bin/vtysh', args),
    reloadPy: (dir, args) => enter(dir, '/usr/bin/python3', [join(FRR_LIBEXEC, 'frr-reload.py'), '--bindir', '/usr/bin', ...args]),
    speakerTools: (dir) => {
      const bindir = join(dir, 'frr10-bin');
      mkdirSync(bindir, { recursive: true });
      const { cmd, args } = enter(dir, '/usr/bin/vtysh', []);
      const quoted = [cmd, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
      writeFileSync(join(bindir, 'vtysh'), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
      return { bindir, reloadScript: join(rootfs, FRR_LIBEXEC.slice(1), 'frr-reload.py') };
    },
  };
}

/** `uid:gid` of the frr user inside `rootfs` (its ids differ from the machine's). */
function ownerIn(rootfs: string): string {
  const field = (file: string, name: string, i: number): string | undefined =>
    readFileSync(join(rootfs, 'etc', file), 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === name)?.[i];
  const uid = field('passwd', 'frr', 2);
  const gid = field('group', 'frr', 2);
  if (uid === undefined || gid === undefined) throw new Error(`${rootfs} has no frr user or group`);
  return `${uid}:${gid}`;
}

const SETUP_FRR10 = join(import.meta.dirname, '..', '..', 'hack', 'setup-frr10.sh');
let frr10: string | undefined;

/**
 * The runtime of `version`. FRR 10 needs the rootfs of hack/setup-frr10.sh (hack/setup.sh builds
 * it); its absence is a {@link MissingPrerequisiteError} naming the fix, never a skip. Network
 * namespaces as VRFs (`vrfNetns`) need FRR 10 here: the machine's FRR runs unconfined, where
 * zebra would take every namespace of the machine for a VRF.
 */
export function frrRuntime(version: FrrVersion = '8.4', vrfNetns: VrfNetns = {}): FrrRuntime {
  const withVrfs = Object.keys(vrfNetns).length > 0;
  if (version === '8.4' && withVrfs) throw new RangeError('VRF namespaces need the chrooted FRR 10 (its /run/netns is private)');
  if (version === '8.4') return HOST_FRR;
  frr10 ??= frr10Rootfs();
  return chrootFrr(frr10, vrfNetns);
}

function frr10Rootfs(): string {
  const rootfs = execFileSync('bash', [SETUP_FRR10, '--path'], { encoding: 'utf8' }).trim();
  if (!existsSync(join(rootfs, FRR_LIBEXEC.slice(1), 'zebra'))) {
    throw new MissingPrerequisiteError([{ what: 'FRR 10 (trixie rootfs)', bin: rootfs, packages: ['mmdebstrap'] }]);
  }
  if (!statSync(join(rootfs, tmpdir().slice(1)), { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`the temp dir ${tmpdir()} has no mountpoint in ${rootfs}`);
  }
  return rootfs;
}
