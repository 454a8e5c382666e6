/**
 * The per-Service decision, in process: `npm run bench -- converge [--services N] [--runs R]`.
 *
 * No apiserver: N Services (default 20,000) of four kinds (plain; `address-pool` annotation;
 * `allow-shared-ip` with distinct ports; PreferDualStack with two clusterIPs), each with a
 * kubectl last-applied annotation as real ones carry, converged against one allocator holding
 * 10.0.0.0/12 and 2001:db8::/104. What the Service reconciler does per key before its first await
 * (parse the Service, converge it) is timed, R runs (default 5), p50 reported:
 *
 * - allocate_us: mean µs per Service converging from nothing (every one allocates);
 * - steady_us: mean µs per Service converging again as written (every one re-adopts its
 *   addresses, nothing changes: the path of every resync and reprocess-all).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { V1Service } from '@kubernetes/client-node';
import { Allocator } from '@metallb-ts/operator/allocator/allocator.ts';
import { convergeService, type ConvergeDecision } from '@metallb-ts/operator/allocator/converge-service.ts';
import { parseService } from '@metallb-ts/operator/service/parse-service.ts';
import { testPool } from '@metallb-ts/operator/testing/test-pools.ts';
import { testService, written, type TestServiceSpec } from '@metallb-ts/operator/testing/test-services.ts';
import { percentile } from './service-load.ts';

/** The reconciler's synchronous work for one Service: the one parse, then the convergence. */
const decide = (svc: V1Service, alloc: Allocator): ConvergeDecision => convergeService(parseService(svc), alloc);

/** Parses the knobs; throws on a bad value. */
function argsOf(argv: readonly string[]): { services: number; runs: number } {
  const { values } = parseArgs({ args: [...argv], options: { services: { type: 'string' }, runs: { type: 'string' } } });
  const num = (v: string | undefined, d: number): number => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`not a positive integer: ${v}`);
    return n;
  };
  return { services: num(values.services, 20_000), runs: num(values.runs, 5) };
}

const LAST_APPLIED = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer' } }) };

/** Service `i`: one of four kinds (see the module comment). */
function spec(i: number): TestServiceSpec {
  const name = `s${i}`;
  switch (i % 4) {
    case 0:
      return { name, annotations: LAST_APPLIED };
    case 1:
      return { name, annotations: { ...LAST_APPLIED, 'metallb.io/address-pool': 'main' } };
    case 2:
      return { name, annotations: { ...LAST_APPLIED, 'metallb.io/allow-shared-ip': `k${i % 64}` }, ports: [{ port: 1000 + (i % 50_000) }] };
    default:
      return { name, annotations: LAST_APPLIED, clusterIPs: ['10.96.0.10', 'fd00::10'], policy: 'PreferDualStack' };
  }
}

/** One run: µs per Service for the allocation pass and the steady pass. */
function once(services: readonly V1Service[]): { allocateUs: number; steadyUs: number } {
  const alloc = new Allocator();
  alloc.setPools([testPool('main', ['10.0.0.0/12', '2001:db8::/104'])]);
  const t0 = performance.now();
  const decisions = services.map((s) => decide(s, alloc));
  const t1 = performance.now();
  const again = services.map((s, n) => {
    const d = decisions[n];
    if (d?.action !== 'set' || d.ingress.length === 0) throw new Error(`${s.metadata?.name} got no address: ${JSON.stringify(d)}`);
    return written(s, d.ingress, d.pool);
  });
  const t2 = performance.now();
  for (const s of again) {
    const d = decide(s, alloc);
    if (d.action !== 'set' || d.changed) throw new Error(`${s.metadata?.name} changed on the steady pass`);
  }
  const t3 = performance.now();
  return { allocateUs: ((t1 - t0) * 1000) / services.length, steadyUs: ((t3 - t2) * 1000) / services.length };
}

/** Runs the benchmark and prints its table; returns the RESULT object. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const args = argsOf(argv);
  const services = Array.from({ length: args.services }, (_, i) => testService(spec(i)));
  const runs = Array.from({ length: args.runs }, () => once(services));
  const round = (x: number): number => Number(x.toFixed(3));
  const allocateUs = round(percentile(runs.map((r) => r.allocateUs), 50));
  const steadyUs = round(percentile(runs.map((r) => r.steadyUs), 50));
  console.log(`services ${args.services}, runs ${args.runs}`);
  console.log(`${'allocate (µs/service, p50)'.padEnd(30)} ${allocateUs}`);
  console.log(`${'steady (µs/service, p50)'.padEnd(30)} ${steadyUs}`);
  return { services: args.services, runs: args.runs, allocate_us: allocateUs, steady_us: steadyUs };
}
