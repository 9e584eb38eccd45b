#!/usr/bin/env node
// Entry point of the open-local-scheduler-extender binary: everything else lives in run.ts.
import { runMain } from '@openlocal/kube-runtime';
import { run } from './run.js';

void runMain('open-local-scheduler-extender', run);
