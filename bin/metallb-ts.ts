#!/usr/bin/env node
// The `metallb-ts` command line (repo checkout entry point; `npx metallb-ts` runs
// operator/src/cli/bin.ts, which npm links from the operator workspace).
import { main, processOutput } from '@metallb-ts/operator/cli/main.ts';

process.exitCode = main(process.argv.slice(2), processOutput);
