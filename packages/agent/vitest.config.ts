import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'agent:unit',
    include: ['src/**/*.test.ts'],
  },
});
