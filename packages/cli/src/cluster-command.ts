/**
 * The options and action of `ringtail cluster` (cluster.ts). Light on
 * purpose: cluster.ts, which loads the node package, is imported only when
 * the command runs.
 */
import type { Command } from 'commander';
import type { ClusterFlags, ClusterIo } from './cluster.js';

export function configureClusterCommand(cluster: Command, io: ClusterIo, setExitCode: (code: number) => void): void {
  cluster
    .description('run a local ring of node processes on 127.0.0.1, print their HTTP addresses; Ctrl-C stops them')
    .option('--nodes <n>', 'number of nodes (default 3)')
    .option('--dir <dir>', 'node i keeps its data in <dir>/node<i> (default ./data)')
    .option('--base-port <port>', 'HTTP port of node 1; node i gets base + i - 1 (default 9080)')
    .option('--internode-base-port <port>', 'internode port of node 1; node i gets base + i - 1 (default 7000)')
    .option('--rf <n>', 'replication factor the nodes balance their tokens for (default 3)')
    .addHelpText(
      'after',
      [
        '',
        'Every node is seeded with node 1 and shares its cluster name and secret (RINGTAIL_CLUSTER_SECRET, or a',
        'random one for this run); other RINGTAIL_* variables reach every node. See docs/operations.md.',
      ].join('\n'),
    )
    .action(async (flags: ClusterFlags) => {
      const { runCluster } = await import('./cluster.js');
      setExitCode(await runCluster(flags, io));
    });
}
