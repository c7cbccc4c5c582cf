import { examples } from './requestRecord.examples';
import { useTestCluster } from '../__testUtils__/cluster';
import { exampleCases, runLayeringExample } from '../__testUtils__/examples';

describe('layering:request:record examples', () => {
  const embedded = useTestCluster();

  it.each(exampleCases(examples))('runs: %s', async (_, example) => {
    const outputs = await runLayeringExample(example, embedded.cluster);
    expect(outputs.record.requestId).toBe('req-1');
  });
});
