import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'csi-plugin:unit',
    include: ['src/**/*.test.ts'],
  },
});
