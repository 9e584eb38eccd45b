#!/usr/bin/env node
// Entry point of the open-local-agent binary: everything else lives in run.ts.
import { run } from './run.js';

run(process.argv).catch((error: unknown) => {
  process.stderr.write(`open-local-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
