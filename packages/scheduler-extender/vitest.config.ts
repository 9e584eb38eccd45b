import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'scheduler-extender:unit',
    include: ['src/**/*.test.ts'],
  },
});
