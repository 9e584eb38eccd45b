// The demo's entry point (run by scripts/demo with tsx).
import { run } from './run.js';

run(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
