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
  testSecrets,
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
        ...testSecrets(TEST_SECRETS),
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

  it.each(exampleCases(ALL))(
    'runs: %s',
    async (_, example) => {
      await expect(run(example)).resolves.toBeDefined();
    },
  );
});

describe('secret checks with the shipped roles', () => {
  let cluster: EmbeddedCluster | undefined;
  beforeAll(async () => {
    cluster = await startEmbeddedCluster({
      name: 'ocp-418',
      stateDir: stateDir(),
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'push-secret', namespace: 'openshift-machine-config-operator' },
          type: 'Opaque',
          data: { password: Buffer.from('hunter2-not-for-the-portal').toString('base64') },
        },
        ...loadRbacManifests().map(o => o.object),
      ],
      serviceAccounts: [
        { ...READER_SERVICE_ACCOUNT, token: READER_TOKEN },
        { ...WRITER_SERVICE_ACCOUNT, token: WRITER_TOKEN },
      ],
      port: 0,
      speed: 0,
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the writer learns which secrets exist by name, and the reader may not ask', async () => {
    const options = actionOptions(cluster!, {
      token: READER_TOKEN,
      writer: { type: 'token', token: WRITER_TOKEN },
    });
    const writer = await options.clusters.writer('ocp-418');
    const found = await writer.existingSecretNames('openshift-machine-config-operator', [
      'push-secret',
      'missing-secret',
    ]);
    expect([...found]).toEqual(['push-secret']);

    const reader = await options.clusters.reader('ocp-418');
    await expect(
      reader.existingSecretNames('openshift-machine-config-operator', ['push-secret']),
    ).rejects.toThrow('cannot get resource "secrets"');

    // In openshift-config-managed the writer may ask about the entitlement secret only.
    expect([
      ...(await writer.existingSecretNames('openshift-config-managed', ['etc-pki-entitlement'])),
    ]).toEqual([]);
    await expect(
      writer.existingSecretNames('openshift-config-managed', ['other-secret']),
    ).rejects.toThrow('cannot get resource "secrets"');
  });

  it('asks for metadata only, so no Secret data reaches the portal', async () => {
    const answer = await fetch(
      `${cluster!.url}/api/v1/namespaces/openshift-machine-config-operator/secrets/push-secret`,
      {
        headers: {
          authorization: `Bearer ${WRITER_TOKEN}`,
          accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
        },
      },
    );
    expect(answer.status).toBe(200);
    const body = await answer.text();
    expect(JSON.parse(body)).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'push-secret' },
    });
    expect(body).not.toContain(Buffer.from('hunter2-not-for-the-portal').toString('base64'));
  });
});
