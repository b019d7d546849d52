import { describe, expect, it } from 'vitest';
import { refuseLocalOnlyOnAws } from '../../src/cli/flags.js';
import { parseFaultSpec } from '../../src/faults/spec.js';

describe('refuseLocalOnlyOnAws', () => {
  const faults = (...specs: string[]) => specs.map(parseFaultSpec);

  it('refuses AWS faults and --aws-quotas with --endpoint aws, naming each fault once', () => {
    expect(() => refuseLocalOnlyOnAws({ endpoint: 'aws' }, faults('aws-throttle:rate=0.1', 'aws-latency:ms=50', 'aws-throttle:rate=0.2'))).toThrow(
      '--endpoint aws: aws-throttle, aws-latency are injected by a proxy in front of the endpoint',
    );
    expect(() => refuseLocalOnlyOnAws({ endpoint: 'aws', 'aws-quotas': 'us-east-1' }, [])).toThrow('--aws-quotas checks that booksim local enforces');
  });

  it('lets the other faults through on AWS, and everything on any other endpoint', () => {
    expect(() => refuseLocalOnlyOnAws({ endpoint: 'aws' }, faults('payment-decline:rate=0.3', 'worker-crash'))).not.toThrow();
    expect(() => refuseLocalOnlyOnAws({ endpoint: 'http://127.0.0.1:4566', 'aws-quotas': 'us-east-1' }, faults('aws-throttle:rate=0.1'))).not.toThrow();
    expect(() => refuseLocalOnlyOnAws({}, faults('aws-error:rate=0.1'))).not.toThrow();
  });
});
