import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError, NotAllowedError } from '@backstage/errors';
import yaml from 'yaml';
import { withLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import {
  LAYERING_REQUEST_ANNOTATIONS,
  LayeringInputError,
  analyzeContainerfile,
  buildMachineOSConfig,
  checkLayeringContent,
  buildOsImageMachineConfig,
  normalizeContainerfileArch,
  validateDigestImage,
  validateDns1123Subdomain,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './manifestRender.examples';
import { requesterOf, requirePoolRequest } from '../services/requests';
import { MANIFEST_FORM_FIELDS } from './clusterApply';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertResourceName, formatIssues, policyFromConfig, throwIfErrors, warningsOf } from '../services/validation';
import { runPreflight } from '../services/preflight';
import { renderSummary } from '../services/summary';
import type { KubeObject } from '../kubernetes/types';

/** Maps the builders' input keys to the form fields of this action. */
const BUILDER_FIELDS: Record<string, string> = {
  pool: 'pool',
  renderedImagePushSpec: 'pushSpec',
  renderedImagePushSecret: 'pushSecret',
  baseImagePullSecret: 'baseImagePullSecret',
  currentImagePullSecret: 'currentImagePullSecret',
  containerfile: 'containerfile',
  name: 'machineConfigName',
  role: 'pool',
  osImageURL: 'image',
  baseOSExtensionsContainerImage: 'extensionsImage',
};

function renameFields(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map(i => {
    const [head, ...rest] = i.field.split(/(?=[[.])/);
    const mapped = BUILDER_FIELDS[head];
    return mapped ? { ...i, field: [mapped, ...rest].join('') } : i;
  });
}

function build<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof LayeringInputError) {
      throw new InputError(
        `The manifest cannot be rendered:\n${formatIssues(renameFields(error.issues).filter(i => i.severity === 'error'))}`,
      );
    }
    throw error;
  }
}

/** Writes files all-or-nothing: into a staging directory first, then renamed into place. */
async function writeAll(
  workspacePath: string,
  files: Array<{ relative: string; content: string }>,
): Promise<void> {
  const staging = await fs.mkdtemp(path.join(workspacePath, '.layering-render-'));
  try {
    for (const [index, file] of files.entries()) {
      await fs.writeFile(path.join(staging, String(index)), file.content, 'utf8');
    }
    for (const [index, file] of files.entries()) {
      const target = resolveSafeChildPath(workspacePath, file.relative);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(path.join(staging, String(index)), target);
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * Creates `layering:manifest:render`, which writes the manifests of a layering request into the
 * workspace: a MachineOSConfig for the API version the cluster serves (on-cluster) or an
 * `osImageURL` MachineConfig (out-of-cluster), the Containerfile, and a Markdown summary for
 * the pull request body. Pre-flight checks run first; nothing is written when they fail.
 *
 * @public
 */
export function createManifestRenderAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:manifest:render',
    description:
      'Renders the manifests of a layering request (MachineOSConfig or osImageURL MachineConfig), the Containerfile and a Markdown summary into the workspace, after pre-flight checks',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: inputs.pool,
        mode: z =>
          z.enum(['on-cluster', 'out-of-cluster'], {
            description: 'on-cluster: a MachineOSConfig; out-of-cluster: a MachineConfig with osImageURL',
          }),
        containerfile: z =>
          z
            .string({
              description:
                'The Containerfile (usually the output of layering:containerfile:compose); required on-cluster',
            })
            .max(65536)
            .optional(),
        containerfileArch: z =>
          z
            .enum(['NoArch', 'AMD64', 'ARM64', 'PPC64LE', 'S390X'], {
              description:
                'Architecture of the Containerfile (on-cluster; default NoArch, the only one the MCO builds: any other is kept but ignored, with a warning)',
            })
            .default('NoArch'),
        pushSpec: z =>
          z
            .string({
              description:
                'On-cluster: where builds are pushed, as host[:port]/namespace/name:tag (the tag is replaced per build)',
            })
            .optional(),
        pushSecret: z =>
          z
            .string({
              description:
                'On-cluster: name of the push secret in openshift-machine-config-operator',
            })
            .optional(),
        baseImagePullSecret: z =>
          z
            .string({
              description:
                'On-cluster: name of the secret to pull the base image with (default: the copy of the global pull secret)',
            })
            .optional(),
        currentImagePullSecret: z =>
          z
            .string({
              description:
                'On-cluster, v1alpha1 clusters only: the secret nodes pull the built image with',
            })
            .optional(),
        image: z =>
          z
            .string({
              description: 'Out-of-cluster: the layered image you built, by digest (host/repo@sha256:…)',
            })
            .optional(),
        extensionsImage: z =>
          z
            .string({ description: 'Out-of-cluster: a matching extensions image, by digest' })
            .optional(),
        baseImage: z =>
          z
            .string({
              description:
                'Out-of-cluster: the rhel-coreos image the layered image was built FROM, by digest (default: the release image)',
            })
            .optional(),
        machineConfigName: z =>
          z
            .string({
              description: 'Out-of-cluster: name of the MachineConfig (default os-layer-<pool>)',
            })
            .optional(),
        outputDir: z =>
          z
            .string({ description: 'Workspace-relative directory to write to (default manifests)' })
            .default('manifests'),
        allowDegradedPool: z =>
          z
            .boolean({
              description:
                'Render even though the pool reports Degraded (only honoured when layering.actions.allowDegradedOverride is true)',
            })
            .default(false),
        validateOnCluster: z =>
          z
            .boolean({
              description:
                'Ask the cluster to validate the manifests with a server-side dry run (default true)',
            })
            .default(true),
        reason: inputs.reason,
      },
      output: {
        manifestPaths: z =>
          z.array(z.string(), {
            description: 'Workspace-relative paths of the manifests (input of layering:cluster:apply)',
          }),
        containerfilePath: z =>
          z.string({ description: 'Workspace-relative path of the Containerfile' }).optional(),
        summaryPath: z => z.string({ description: 'Workspace-relative path of SUMMARY.md' }),
        requestId: z =>
          z.string({
            description:
              'Id of this request (a UUID), annotated on the rendered object; pass it to layering:request:record',
          }),
        contentDigest: z =>
          z.string({
            description:
              'sha256 digest of the rendered content (without annotations), annotated on the object',
          }),
        summary: z => z.string({ description: 'Markdown summary for the pull request body' }),
        objectKind: z => z.string({ description: 'MachineOSConfig or MachineConfig' }),
        objectName: z => z.string({ description: 'Name of the rendered object' }),
        apiVersion: z => z.string({ description: 'apiVersion of the rendered object' }),
        releaseVersion: z =>
          z.string({ description: 'OCP release the base was taken from' }).optional(),
        warnings: outputs.warnings,
      },
    },
    async handler(ctx) {
      const {
        cluster,
        pool,
        mode,
        containerfile,
        containerfileArch = 'NoArch',
        pushSpec,
        pushSecret,
        baseImagePullSecret,
        currentImagePullSecret,
        image,
        extensionsImage,
        baseImage: baseImageInput,
        machineConfigName = `os-layer-${pool}`,
        outputDir = 'manifests',
        allowDegradedPool = false,
        validateOnCluster = true,
        reason,
      } = ctx.input;
      assertResourceName('pool', pool);
      let outputRoot: string;
      try {
        outputRoot = resolveSafeChildPath(ctx.workspacePath, outputDir);
      } catch {
        throw new InputError(`outputDir: ${outputDir} is outside the workspace`);
      }
      const relative = (name: string) =>
        path.relative(ctx.workspacePath, path.join(outputRoot, name)).split(path.sep).join('/');

      const issues: ValidationIssue[] = [];
      if (mode === 'on-cluster') {
        if (!containerfile) issues.push({ field: 'containerfile', message: 'An on-cluster layer needs a Containerfile.', severity: 'error' });
        if (!pushSpec) issues.push({ field: 'pushSpec', message: 'An on-cluster layer needs a push spec.', severity: 'error' });
        if (!pushSecret) issues.push({ field: 'pushSecret', message: 'An on-cluster layer needs a push secret.', severity: 'error' });
        if (image) issues.push({ field: 'image', message: 'On-cluster layers are built by the MCO; leave the image empty.', severity: 'error' });
      } else {
        issues.push(...validateDigestImage(image, 'image', 'layered image'));
        issues.push(...validateDns1123Subdomain(machineConfigName, 'machineConfigName', 'MachineConfig name'));
        if (pushSpec || pushSecret) {
          issues.push({ field: 'pushSpec', message: 'Out-of-cluster layers are pushed by you; push spec and secret belong to on-cluster layers.', severity: 'error' });
        }
        if (baseImageInput) issues.push(...validateDigestImage(baseImageInput, 'baseImage', 'base image'));
        if (extensionsImage) {
          issues.push({
            field: 'extensionsImage',
            message:
              'A layering MachineConfig sets spec.osImageURL and nothing else: the extensions image decides where the extension packages of the pool come from, which needs a review of its own.',
            severity: 'error',
          });
        }
      }
      throwIfErrors(issues, 'The request is incomplete');
      // Rendering is the first step of every request, before any branch or pull request exists:
      // whoever may not ask for a change to this pool is refused here, with nothing written.
      await requirePoolRequest(ctx, options, { cluster, pool }, `request a change to pool ${pool}`);

      const client = await options.clusters.reader(cluster);
      const apiVersion = mode === 'on-cluster' ? await client.machineOSConfigApiVersion() : null;
      if (mode === 'on-cluster' && !apiVersion) {
        throw new InputError(
          `mode: cluster ${cluster} does not serve MachineOSConfig, so on-cluster layering is not available there`,
        );
      }

      // Only the writer may look Secrets up (by name, metadata only); the reader reads the rest.
      const secretsClient = await options.clusters
        .writer(cluster, { secrets: ctx.secrets })
        .catch(error => {
          // No writer configured (NotAllowedError) or no person's token (InputError): the
          // pull request can still be rendered, with its secrets left to the cluster.
          if (InputError.is(error) || NotAllowedError.is(error)) return null;
          throw error;
        });
      const preflight = await runPreflight(client, options, {
        secretsClient,
        pool,
        mode,
        allowDegradedPool,
        containerfile,
        containerfileArch,
        pushSpec,
        pushSecret,
        baseImagePullSecret,
        currentImagePullSecret,
        osImageURL: image,
        machineConfigName: mode === 'out-of-cluster' ? machineConfigName : undefined,
      });
      const warnings = [...preflight.warnings];
      const release = preflight.release;
      const baseImage = mode === 'out-of-cluster' ? baseImageInput ?? release?.baseImage : undefined;

      if (containerfile) {
        const analysis = analyzeContainerfile(containerfile, {
          mode,
          field: 'containerfile',
          policy: policyFromConfig(options.config),
          expectedBaseImage: mode === 'out-of-cluster' ? release?.baseImage : null,
        });
        throwIfErrors(analysis.issues, 'The Containerfile cannot be used');
        warnings.push(...warningsOf(analysis.issues));
      }

      const requestedBy = await requesterOf(ctx);
      const annotations: Record<string, string> = {
        [LAYERING_REQUEST_ANNOTATIONS.requestedBy]: requestedBy,
        [LAYERING_REQUEST_ANNOTATIONS.templateRun]: ctx.task.id,
      };
      if (release?.releaseVersion) {
        annotations[LAYERING_REQUEST_ANNOTATIONS.baseRelease] = release.releaseVersion;
      }
      const annotatedBase = baseImage ?? release?.baseImage;
      if (annotatedBase) {
        annotations[LAYERING_REQUEST_ANNOTATIONS.baseImage] = annotatedBase;
      }

      let object: KubeObject;
      if (mode === 'on-cluster') {
        const arch = normalizeContainerfileArch(containerfileArch) ?? 'NoArch';
        object = build(() =>
          buildMachineOSConfig(
            {
              pool,
              renderedImagePushSpec: pushSpec!,
              renderedImagePushSecret: pushSecret!,
              baseImagePullSecret: baseImagePullSecret ?? null,
              currentImagePullSecret: currentImagePullSecret ?? null,
              containerFiles: [{ arch, content: containerfile! }],
              annotations,
            },
            apiVersion!,
          ),
        ) as unknown as KubeObject;
      } else {
        object = build(() =>
          buildOsImageMachineConfig({
            name: machineConfigName,
            role: pool,
            osImageURL: image!,
            baseOSExtensionsContainerImage: extensionsImage ?? null,
            annotations,
          }),
        ) as unknown as KubeObject;
      }

      // Provenance: the request id is made here, before any pull request exists, so the object
      // names its request in the pull request, on the cluster and in the record (the record step
      // links the id to the pull request URL, which is only known once it is open). The digest
      // lets the backend tell that what appears on the cluster is what was reviewed.
      const requestId = randomUUID();
      object = withLayeringProvenance(object, requestId);
      const contentDigest = object.metadata.annotations![LAYERING_REQUEST_ANNOTATIONS.contentDigest];

      // What lands in the pull request (or is applied later) is layering content only.
      throwIfErrors(
        checkLayeringContent([{ field: 'manifest', object }], { pool }),
        'The rendered manifest carries more than layering content for this pool',
      );

      if (validateOnCluster) {
        ctx.logger.info('Validating the manifest with a server-side dry run', {
          cluster,
          kind: object.kind,
          name: object.metadata.name,
        });
        // A server dry run needs the verbs of the real write, so it runs with the writer.
        const writer = await options.clusters.writer(cluster, { secrets: ctx.secrets });
        await writer.apply(object, {
          dryRun: true,
          fieldManager: options.config.fieldManager,
          fields: MANIFEST_FORM_FIELDS,
        });
      }

      const fileName = `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
      const summary = renderSummary({
        cluster,
        pool,
        mode,
        object,
        preflight,
        warnings,
        baseImage: annotatedBase,
        requestedBy,
        taskId: ctx.task.id,
        reason,
        containerfile,
      });
      const files = [
        { relative: relative(fileName), content: yaml.stringify(object) },
        ...(containerfile ? [{ relative: relative('Containerfile'), content: containerfile }] : []),
        { relative: relative('SUMMARY.md'), content: summary },
      ];

      ctx.logger.info('About to write the rendered request', {
        cluster,
        pool,
        files: files.map(f => f.relative),
        dryRun: ctx.isDryRun ?? false,
      });
      // Only the task workspace is written (a dry run throws it away), all files or none. This
      // is no cluster side effect and is idempotent, so it is not checkpointed: a recovered task
      // must find the files in its workspace again.
      await writeAll(ctx.workspacePath, files);

      ctx.output('manifestPaths', [files[0].relative]);
      if (containerfile) ctx.output('containerfilePath', relative('Containerfile'));
      ctx.output('summaryPath', relative('SUMMARY.md'));
      ctx.output('summary', summary);
      ctx.output('requestId', requestId);
      ctx.output('contentDigest', contentDigest);
      ctx.output('objectKind', object.kind);
      ctx.output('objectName', object.metadata.name);
      ctx.output('apiVersion', object.apiVersion);
      if (release?.releaseVersion) ctx.output('releaseVersion', release.releaseVersion);
      ctx.output('warnings', [...new Set(warnings)]);
    },
  });
}
