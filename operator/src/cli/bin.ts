#!/usr/bin/env node
// The `metallb-ts` executable as linked by npm from the operator workspace (node_modules/.bin).
import { main, processOutput } from './main.ts';

process.exitCode = await main(process.argv.slice(2), processOutput);
