import * as node from '@ringtail/node';
import { describe, expect, it } from 'vitest';
import * as shell from '../src/shell/constants.js';

// The shell writes the HTTP API's values out so that it need not load the node to start; they must stay the node's.
describe("the shell's copy of the node's constants", () => {
  it('matches the node', () => {
    expect(shell.DEFAULT_HOST).toBe(`http://${node.DEFAULT_NODE_CONFIG.listen}:${node.DEFAULT_HTTP_PORT}`);
    expect(shell.FETCH_PAGE_SIZE_ROWS).toBe(node.DEFAULT_PAGE_SIZE);
    expect(shell.MAX_PAGE_SIZE_ROWS).toBe(node.MAX_PAGE_SIZE);
    expect(shell.CONSISTENCY_LEVELS).toEqual(node.CONSISTENCY_LEVELS);
    expect(shell.DEFAULT_CONSISTENCY).toBe(node.DEFAULT_CONSISTENCY);
  });
});
