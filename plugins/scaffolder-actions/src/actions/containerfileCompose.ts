import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  analyzeContainerfile,
  composeContainerfile,
  validateContainerfileEntries,
  validateDigestImage,
  type ContainerfileAnalysis,
  type ContainerfileSpec,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './containerfileCompose.examples';
import { lookupReleaseBase } from '../kubernetes/lookups';
import type { LayeringActionOptions } from '../services/actionOptions';
import { policyFromConfig, throwIfErrors, warningsOf } from '../services/validation';

/**
 * Creates `layering:containerfile:compose`, which builds a Containerfile from structured input
 * (packages, RPM URLs, repository RPMs, config files, units, kernel override) or checks a raw
 * one. Out-of-cluster Containerfiles start FROM the release's rhel-coreos image by digest,
 * looked up from the cluster.
 *
 * @public
 */
export function createContainerfileComposeAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:containerfile:compose',
    description:
      'Builds a Containerfile for a layered RHCOS image from structured input, or checks a raw one (on-cluster: FROM configs AS final; out-of-cluster: FROM the release rhel-coreos image by digest)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        mode: z =>
          z.enum(['on-cluster', 'out-of-cluster'], {
            description:
              'on-cluster: the MCO builds the image from a MachineOSConfig; out-of-cluster: you build it and point a MachineConfig at it',
          }),
        containerfile: z =>
          z
            .string({
              description:
                'A complete Containerfile to check instead of composing one; leave the structured fields empty when set',
            })
            .max(65536)
            .optional(),
        packages: z =>
          z
            .array(z.string({ description: 'Package name' }), {
              description: 'Packages to install from the enabled repositories (dnf install)',
            })
            .max(100)
            .optional(),
        rpmUrls: z =>
          z
            .array(z.string({ description: 'https URL of an .rpm' }), {
              description: 'RPMs to install by URL, such as a hotfix from Red Hat support',
            })
            .max(50)
            .optional(),
        repoRpms: z =>
          z
            .array(z.string({ description: 'https URL of a repository release RPM' }), {
              description:
                'Repository release RPMs installed first, e.g. EPEL (epel-release-latest-9.noarch.rpm)',
            })
            .max(10)
            .optional(),
        kernelOverride: z =>
          z
            .array(z.string({ description: 'https URL of a kernel RPM' }), {
              description: 'Kernel RPMs that replace the base kernel (rpm-ostree override replace)',
            })
            .max(10)
            .optional(),
        configFiles: z =>
          z
            .array(
              z.object({
                destination: z.string({
                  description: 'Absolute path in the image, under /etc/ or /usr/local/',
                }),
                content: z
                  .string({ description: 'File content (on-cluster builds need inline content)' })
                  .max(4096)
                  .optional(),
                source: z
                  .string({ description: 'Path in the build context (out-of-cluster only)' })
                  .optional(),
                mode: z.string({ description: 'Octal permission, e.g. 0644' }).optional(),
              }),
              { description: 'Configuration files to place in the image' },
            )
            .max(20)
            .optional(),
        enableUnits: z =>
          z
            .array(z.string({ description: 'systemd unit name' }), {
              description: 'systemd units to enable, e.g. rngd.service',
            })
            .max(20)
            .optional(),
        baseImage: z =>
          z
            .string({
              description:
                'Out-of-cluster only: the base image by digest; defaults to the cluster release rhel-coreos image',
            })
            .optional(),
      },
      output: {
        containerfile: z => z.string({ description: 'The Containerfile' }),
        baseImage: z =>
          z
            .string({ description: 'The FROM image (out-of-cluster), by digest' })
            .optional(),
        releaseVersion: z =>
          z
            .string({ description: 'The OCP release the base image was taken from' })
            .optional(),
        needsEntitlement: z =>
          z.boolean({
            description:
              'True when the build installs RHEL packages and needs the etc-pki-entitlement secret',
          }),
        warnings: outputs.warnings,
      },
    },
    async handler(ctx) {
      const {
        cluster,
        mode,
        containerfile,
        packages,
        rpmUrls,
        repoRpms,
        kernelOverride,
        configFiles,
        enableUnits,
        baseImage: baseImageInput,
      } = ctx.input;
      const policy = policyFromConfig(options.config);
      const structured = [packages, rpmUrls, repoRpms, kernelOverride, configFiles, enableUnits].some(
        list => (list?.length ?? 0) > 0,
      );
      if (containerfile !== undefined && structured) {
        throw new InputError(
          'containerfile: give either a complete Containerfile or the structured fields (packages, rpmUrls, …), not both',
        );
      }
      if (baseImageInput !== undefined) {
        if (mode !== 'out-of-cluster') {
          throw new InputError('baseImage: only out-of-cluster Containerfiles name a base image');
        }
        throwIfErrors(validateDigestImage(baseImageInput, 'baseImage', 'base image'), 'The base image is not usable');
      }
      const client = await options.clusters.reader(cluster);
      const apiVersion = mode === 'on-cluster' ? await client.machineOSConfigApiVersion() : null;
      if (mode === 'on-cluster' && !apiVersion) {
        throw new InputError(
          `mode: cluster ${cluster} does not serve MachineOSConfig, so on-cluster layering is not available there; use out-of-cluster`,
        );
      }

      // The release base is looked up once per task, so a recovered task composes the same file.
      const release = await ctx.checkpoint({
        key: `layering.containerfile.compose.release.${cluster}`,
        fn: async () => {
          const found = await lookupReleaseBase(client, options.backend);
          return found ? { baseImage: found.baseImage, releaseVersion: found.releaseVersion } : null;
        },
      });
      let baseImage: string | undefined;
      if (mode === 'out-of-cluster') {
        baseImage = baseImageInput ?? release?.baseImage;
        if (!baseImage) {
          throw new InputError(
            `baseImage: the release rhel-coreos image of cluster ${cluster} could not be found; give the base image by digest`,
          );
        }
      }
      ctx.logger.info('Composing the Containerfile', {
        cluster,
        mode,
        raw: containerfile !== undefined,
        baseImage,
        releaseVersion: release?.releaseVersion,
      });

      let content: string;
      let issues: ValidationIssue[];
      let analysis: ContainerfileAnalysis | null;
      if (containerfile !== undefined) {
        content = containerfile.replace(/\r\n/g, '\n');
        analysis = analyzeContainerfile(content, {
          mode,
          field: 'containerfile',
          policy,
          expectedBaseImage: mode === 'out-of-cluster' ? release?.baseImage : null,
        });
        issues = [...analysis.issues];
      } else {
        const spec: ContainerfileSpec = {
          mode,
          baseImage,
          packages,
          rpmUrls,
          repoRpms,
          kernelOverride,
          configFiles,
          enableUnits,
        };
        const result = composeContainerfile(spec, policy);
        throwIfErrors(result.issues, 'The layered image description has errors');
        content = result.content!;
        analysis = result.analysis;
        issues = result.issues;
      }
      if (apiVersion) {
        issues.push(...validateContainerfileEntries([{ content }], apiVersion, 'containerfile'));
      }
      throwIfErrors(issues, 'The Containerfile cannot be used');
      const warnings = [...new Set(warningsOf(issues))];
      const needsEntitlement = analysis?.entitlement === 'required';
      if (analysis?.entitlement === 'possible') {
        warnings.push(
          'Some packages may come from RHEL repositories; if the build fails to find them, the build needs an entitlement: on 4.18 and later the MCO takes the etc-pki-entitlement secret from openshift-config-managed, before that copy it into openshift-machine-config-operator.',
        );
      }
      for (const warning of warnings) {
        ctx.logger.warn(warning);
      }
      ctx.output('containerfile', content);
      if (baseImage) ctx.output('baseImage', baseImage);
      if (release?.releaseVersion) ctx.output('releaseVersion', release.releaseVersion);
      ctx.output('needsEntitlement', needsEntitlement);
      ctx.output('warnings', warnings);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: composed the Containerfile (this action changes nothing)', {
          length: content.length,
        });
      }
    },
  });
}
