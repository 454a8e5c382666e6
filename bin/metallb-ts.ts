#!/usr/bin/env node
// Repo-checkout entry point (`node bin/metallb-ts.ts ...`); the implementation is the operator
// workspace's bin, which npm links as `npx metallb-ts`.
import '@metallb-ts/operator/cli/bin.ts';
