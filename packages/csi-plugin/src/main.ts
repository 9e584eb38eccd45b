#!/usr/bin/env node
// Entry point of the open-local-csi-plugin binary: everything else lives in run.ts.
import { runMain } from '@openlocal/kube-runtime';
import { run } from './run.js';

void runMain('open-local-csi-plugin', run);
