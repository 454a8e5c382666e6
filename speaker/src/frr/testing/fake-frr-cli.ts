/**
 * An in-memory FRR behind the {@link FrrCli} port: `vtysh -f` applies the batch with the config
 * model, `--dryrun` refuses lines containing `bogus`, `show running-config` prints the model,
 * frr-reload.py replaces it with the file. Knobs simulate a down FRR and a batch FRR ignores.
 */
import { readFileSync } from 'node:fs';
import { parseConfig, renderConfig, type Stanza } from '../core/config-tree.ts';
import type { CliResult, FrrCli } from '../frr-cli.ts';
import { applyBatch } from './config-model.ts';

/** A fake FRR instance. */
export class FakeFrrCli implements FrrCli {
  /** The running config. */
  running: Stanza = parseConfig('');
  /** While true every call fails as if the vty sockets were gone. */
  down = false;
  /** While true `vtysh -f` exits 0 but changes nothing (FRR silently not taking a batch). */
  ignoreBatches = false;
  /** Every call, for assertions ('vtysh …' or 'reload'). */
  readonly calls: string[] = [];
  /** Texts of every file handed to vtysh -f / --dryrun / frr-reload.py. */
  readonly files: string[] = [];

  async vtysh(args: readonly string[]): Promise<CliResult> {
    this.calls.push(`vtysh ${args.filter((a) => !a.startsWith('/')).join(' ')}`);
    // The dry run only parses (it needs no daemon), like vtysh's.
    if (this.down && !args.includes('--dryrun')) return { exitCode: 1, stdout: '', stderr: 'Exiting: failed to connect to any daemons.' };
    const fileAt = args.indexOf('-f');
    if (fileAt >= 0) {
      const text = readFileSync(args[fileAt + 1] as string, 'utf8');
      this.files.push(text);
      if (args.includes('--dryrun')) {
        const bad = text.split('\n').findIndex((l) => l.includes('bogus'));
        return bad < 0 ? ok('') : { exitCode: 2, stdout: '', stderr: `line ${bad + 1}: % Unknown command: ${text.split('\n')[bad]?.trim()}` };
      }
      if (!this.ignoreBatches) this.running = applyBatch(this.running, text);
      return ok('');
    }
    if (args.join(' ') === '-c show running-config') {
      return ok(`Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\nhostname fake\n${renderConfig(this.running)}end\n`);
    }
    return { exitCode: 2, stdout: '', stderr: `fake: unsupported ${args.join(' ')}` };
  }

  async fullReload(file: string): Promise<CliResult> {
    this.calls.push('reload');
    if (this.down) return { exitCode: 1, stdout: '', stderr: 'vtysh failed' };
    const text = readFileSync(file, 'utf8');
    this.files.push(text);
    this.running = parseConfig(text);
    return ok('');
  }
}

const ok = (stdout: string): CliResult => ({ exitCode: 0, stdout, stderr: '' });
