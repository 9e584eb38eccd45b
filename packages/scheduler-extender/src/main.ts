#!/usr/bin/env node
// Entry point of the open-local-scheduler-extender binary: everything else lives in run.ts.
import { exitOnError, run } from './run.js';

run(process.argv).catch(exitOnError);
