#!/usr/bin/env node
// Entry point of the open-local-controller binary: everything else lives in run.ts.
import { run } from './run.js';

// Exit explicitly once run() has shut everything down: idle keep-alive sockets must not hold the process.
run(process.argv).then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`open-local-controller: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
