import {
  READER_SERVICE_ACCOUNT,
  WRITER_SERVICE_ACCOUNT,
  loadRbacManifests,
  startEmbeddedCluster,
  type EmbeddedCluster,
} from '@rhcos-layering/embedded-openshift';
import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { createLayeringActions } from '.';
import {
  TEST_SECRETS,
  actionOptions,
  stateDir,
} from '../__testUtils__/cluster';
import { exampleCases, runExample } from '../__testUtils__/examples';
import { examples as buildDelete } from './buildDelete.examples';
import { examples as buildRebuild } from './buildRebuild.examples';
import { examples as clusterApply } from './clusterApply.examples';
import { examples as containerfileCompose } from './containerfileCompose.examples';
import { examples as layerRevert } from './layerRevert.examples';
import { examples as manifestRender } from './manifestRender.examples';
import { examples as nodeAssign } from './nodeAssign.examples';
import { examples as poolPause } from './poolPause.examples';
import { examples as poolResume } from './poolResume.examples';
import { examples as requestRecord } from './requestRecord.examples';

jest.setTimeout(300_000);

const READER_TOKEN = 'rbac-examples-reader-token';
const WRITER_TOKEN = 'rbac-examples-writer-token';

const ALL: TemplateExample[] = [
  ...buildDelete,
  ...buildRebuild,
  ...clusterApply,
  ...containerfileCompose,
  ...layerRevert,
  ...manifestRender,
  ...nodeAssign,
  ...poolPause,
  ...poolResume,
  ...requestRecord,
];

/** Examples whose pre-flight lists Secrets with the reader (see the TODO below). */
const SECRET_LIST_GAP: TemplateExample[] = [
  clusterApply[0],
  manifestRender.find(e => e.description.includes('on-cluster'))!,
];

/**
 * The examples again, each on a fresh embedded cluster that enforces the shipped RBAC
 * (deploy/rbac): the actions read with the reader service account and write with the writer
 * one, so a verb the manifests miss fails the example with the cluster's 403.
 */
describe('every action example with the shipped reader and writer roles', () => {
  let cluster: EmbeddedCluster | undefined;
  beforeEach(async () => {
    cluster = await startEmbeddedCluster({
      name: 'ocp-418',
      stateDir: stateDir(),
      objects: [
        ...TEST_SECRETS.map(name => ({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: 'openshift-machine-config-operator' },
          type: 'kubernetes.io/dockerconfigjson',
          data: {
            '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
          },
        })),
        ...loadRbacManifests().map(o => o.object),
      ],
      serviceAccounts: [
        { ...READER_SERVICE_ACCOUNT, token: READER_TOKEN },
        { ...WRITER_SERVICE_ACCOUNT, token: WRITER_TOKEN },
      ],
      port: 0,
      speed: 0,
    });
    await cluster.settle();
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  const run = (example: TemplateExample) =>
    runExample(
      example,
      createLayeringActions(
        actionOptions(cluster!, {
          token: READER_TOKEN,
          writer: { type: 'token', token: WRITER_TOKEN },
        }),
      ),
    );

  it.each(exampleCases(ALL.filter(e => !SECRET_LIST_GAP.includes(e))))(
    'runs: %s',
    async (_, example) => {
      await expect(run(example)).resolves.toBeDefined();
    },
  );

  // TODO(lead): the pre-flight checks that a MachineOSConfig's secrets exist by LISTING Secrets
  // with the reader (ClusterClient.existingSecretNames), which the shipped reader may not do:
  // the reader also serves the Kubernetes plugin and must never reach Secret data. Once the
  // check is a GET with `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
  // made with the writer (which may `get` Secrets in the MCO namespace), these examples pass
  // and this test fails: move them back into the list above.
  it.each(exampleCases(SECRET_LIST_GAP))(
    'is refused listing Secrets with the reader: %s',
    async (_, example) => {
      await expect(run(example)).rejects.toThrow(
        'User "system:serviceaccount:rhcos-layering:layering-reader" cannot list resource "secrets" in API group "" in the namespace "openshift-machine-config-operator"',
      );
    },
  );
});
