import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'controller:unit',
    include: ['src/**/*.test.ts'],
  },
});
