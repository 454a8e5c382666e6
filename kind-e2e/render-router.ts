/**
 * Writes the kind target's router files (router-conf.ts) into a directory, for run.sh:
 *
 *   node kind-e2e/render-router.ts --out DIR --router-id 192.0.2.2 --neighbors 192.0.2.130,192.0.2.131
 *
 * Exits 2 with the reason when an option is missing or not acceptable (nothing is written then).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routerFilesFor } from './router-conf.ts';

/** AS numbers of the suite's BGPPeer (test/e2e/suite/bgp-service.ts): nodes 64512, router 64513. */
const NODE_ASN = 64512;
const ROUTER_ASN = 64513;

function main(argv: readonly string[]): number {
  const { values } = parseArgs({ args: [...argv], options: {
    out: { type: 'string' }, 'router-id': { type: 'string' }, neighbors: { type: 'string' },
  } });
  if (values.out === undefined || values['router-id'] === undefined || values.neighbors === undefined) {
    console.error('usage: render-router.ts --out DIR --router-id IPV4 --neighbors IPV4[,IPV4...]');
    return 2;
  }
  const neighbors = values.neighbors.split(',').filter((n) => n !== '');
  const r = routerFilesFor({ routerAsn: ROUTER_ASN, nodeAsn: NODE_ASN, routerId: values['router-id'], neighbors });
  if (!r.ok) {
    console.error(`render-router: ${r.error.field} ${JSON.stringify(r.error.value)}: ${r.error.reason}`);
    return 2;
  }
  mkdirSync(values.out, { recursive: true });
  for (const [name, text] of Object.entries(r.value)) writeFileSync(join(values.out, name), text);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
