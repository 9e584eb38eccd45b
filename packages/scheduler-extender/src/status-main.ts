#!/usr/bin/env node
// Entry point of the open-local-status binary: everything else lives in status-command.ts.
import { runMain } from '@openlocal/kube-runtime';
import { runStatus } from './status-command.js';

void runMain('open-local-status', runStatus);
