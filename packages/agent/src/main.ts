#!/usr/bin/env node
// Entry point of the open-local-agent binary: everything else lives in run.ts. In a chart pod
// (OPENLOCAL_HOST_PATHS set) it first checks the storage tools and host mounts and exits naming what is missing.
import { runMain } from '@openlocal/kube-runtime';
import { nodePreflight } from '@openlocal/lvm';
import { run } from './run.js';

void runMain('open-local-agent', async (argv) => {
  nodePreflight();
  await run(argv);
});
