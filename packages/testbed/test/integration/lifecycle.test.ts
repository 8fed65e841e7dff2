import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpsRequest } from '../../src/_https.ts';
import { startTestbed } from '../../src/index.ts';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('testbed lifecycle', () => {
  it('starts two testbeds at once on distinct ports and stops them leaving no process or data behind', async () => {
    const testbeds = await Promise.all([startTestbed({ nodes: 1 }), startTestbed({ nodes: 1 })]);
    const [a, b] = testbeds as [(typeof testbeds)[0], (typeof testbeds)[0]];
    try {
      expect(a.endpoint).not.toBe(b.endpoint);
      expect(a.aws.endpointUrl).not.toBe(b.aws.endpointUrl);
      for (const testbed of testbeds) {
        const tls = { ca: testbed.caPem };
        // anonymous requests are refused (401) by a live apiserver that trusts this CA
        expect((await httpsRequest(`${testbed.endpoint}/readyz`, tls)).status).toBe(401);
      }
    } finally {
      await Promise.all(testbeds.map((testbed) => testbed.stop()));
    }
    for (const testbed of testbeds) {
      expect(Object.entries(testbed.pids).filter(([, pid]) => running(pid))).toEqual([]);
      expect(existsSync(testbed.dataDir)).toBe(false);
    }
  });
});
