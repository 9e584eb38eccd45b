#!/usr/bin/env node
// Entry point of the open-local-upgrade-check binary: everything else lives in upgrade-check.ts.
import { runMain } from '@openlocal/kube-runtime';
import { runUpgradeCheck } from './upgrade-check.js';

void runMain('open-local-upgrade-check', (argv) => runUpgradeCheck(argv));
