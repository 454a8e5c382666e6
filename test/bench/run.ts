/**
 * Benchmark runner: `npm run bench -- <name>`. Each benchmark prints a human table and ends with
 * one line `RESULT <name> <json>`. Benchmarks never run as part of `npm test`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A benchmark module exports `run(): Promise<Record<string, unknown>>` and prints its own table. */
interface BenchModule {
  run(args: readonly string[]): Promise<Record<string, unknown>>;
}

/** Benchmarks available by name: test/bench/<name>.bench.ts. */
function available(): string[] {
  return readdirSync(import.meta.dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const names = available();
  if (name === undefined || !names.includes(name)) {
    console.error(`usage: npm run bench -- <name> [args]\navailable: ${names.join(', ') || '(none)'}`);
    process.exitCode = 2;
    return;
  }
  const mod = (await import(join(import.meta.dirname, `${name}.bench.ts`))) as BenchModule;
  const result = await mod.run(rest);
  console.log(`RESULT ${name} ${JSON.stringify(result)}`);
}

await main();
