import type { Command } from 'commander';
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createLocalKinesisClient } from '../../producer/local-client.js';

// Placeholder until the producer, simulator and pipeline land: proves the local stack answers.
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the end-to-end demo on the embedded local stack (no AWS account needed)')
    .action(async () => {
      const { default: kinesalite } = await import('kinesalite');
      const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const client = createLocalKinesisClient({ endpoint: `http://127.0.0.1:${port}` });
      try {
        await client.send(new CreateStreamCommand({ StreamName: 'sdfleet-demo', ShardCount: 2 }));
        await client.send(new DescribeStreamSummaryCommand({ StreamName: 'sdfleet-demo' }));
        const records = Array.from({ length: 10 }, (_, i) => ({ PartitionKey: `veh-${i}`, Data: Buffer.from(JSON.stringify({ seq: i + 1 })) }));
        const out = await client.send(new PutRecordsCommand({ StreamName: 'sdfleet-demo', Records: records }));
        console.log(`local kinesis on port ${port}: put ${records.length} records, ${out.FailedRecordCount ?? 0} failed`);
      } finally {
        client.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
}
