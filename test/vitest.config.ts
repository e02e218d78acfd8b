import { defineProject } from 'vitest/config';

// Tests that span packages: real `ringtail` processes on 127.0.0.1 (DESIGN.md §1).
// They run the built CLI, so build first (`npm test` does).
export default defineProject({
  test: { name: 'cluster', include: ['**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
