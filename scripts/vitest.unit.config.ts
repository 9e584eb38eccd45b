// Unit tests of the project's own scripts (project "scripts:unit"): the fresh-machine check's scanner and rules,
// and the module-boundary lint rule.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'scripts:unit',
    include: ['machine/**/*.test.ts', 'lint/**/*.test.ts'],
  },
});
