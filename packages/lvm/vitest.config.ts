import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lvm:unit',
    include: ['src/**/*.test.ts'],
  },
});
