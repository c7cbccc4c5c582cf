import * as k8s from '@kubernetes/client-node';
import type { TestCluster } from '../../__testUtils__/testCluster';
import type { K8sObject } from '../../store/types';

/** The MachineConfig group at v1, for client-node's custom-object calls. */
export const MCO = {
  group: 'machineconfiguration.openshift.io',
  version: 'v1',
};

/** A client-node configuration for the test cluster over TLS with a bearer token. */
export function kubeConfig(t: TestCluster, token: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: t.cluster.httpsUrl,
        caData: Buffer.from(t.cluster.caCertificate).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

/** The `Status` body of a failed call. */
export async function statusOf(call: Promise<unknown>): Promise<{
  code: number;
  reason: string;
  message: string;
  details?: {
    causes?: Array<{ field: string; reason: string; message: string }>;
  };
}> {
  try {
    await call;
  } catch (error) {
    if (error instanceof k8s.ApiException) {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return body;
    }
    throw error;
  }
  throw new Error('the call succeeded');
}

export interface WatchEvent {
  type: string;
  object: K8sObject & { code?: number; reason?: string };
}

/** Collect watch events until `until` says stop; resolves with them. */
export function collectWatch(
  kc: k8s.KubeConfig,
  path: string,
  query: Record<string, string | number | boolean>,
  until: (events: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    let controller: AbortController | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      controller?.abort();
      resolve(events);
    };
    new k8s.Watch(kc)
      .watch(
        path,
        query,
        (type, object) => {
          events.push({ type, object });
          if (until(events)) finish();
        },
        err => {
          if (finished) return;
          if (err && (err as Error).name !== 'AbortError') reject(err);
          else finish();
        },
      )
      .then(c => {
        controller = c;
        if (finished) c.abort();
      }, reject);
  });
}
