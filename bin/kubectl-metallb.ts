#!/usr/bin/env node
// `kubectl metallb ...`: kubectl runs the first `kubectl-metallb` on PATH with the rest of the
// command line, which is the metallb-ts command line (`kubectl metallb explain service ns/name`).
import '@metallb-ts/operator/cli/bin.ts';
