import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import {
  LayeringPoolPicker,
  layeringPoolPickerValidation,
} from './components/LayeringPoolPicker';
import {
  LayeringContainerfileEditor,
  layeringContainerfileEditorValidation,
} from './components/LayeringContainerfileEditor';
import {
  LayeringBaseImage,
  layeringBaseImageValidation,
} from './components/LayeringBaseImage';
import { LayeringRequestPreview } from './components/LayeringRequestPreview';
import {
  LayeringPoolSetting,
  layeringPoolSettingValidation,
  POOL_SETTINGS,
} from './components/LayeringPoolSetting';
import {
  LayeringDeliveryPicker,
  layeringDeliveryPickerValidation,
} from './components/LayeringDeliveryPicker';
import {
  LayeringForgePicker,
  layeringForgePickerValidation,
} from './components/LayeringForgePicker';

const MODES = ['none', 'on-cluster', 'out-of-cluster'] as const;

/** JSON schema of the `LayeringPoolPicker` value and options. */
export const layeringPoolPickerSchema = makeFieldSchema({
  output: z =>
    z.object({
      cluster: z.string().describe('Cluster name, as configured in the portal'),
      pool: z.string().describe('MachineConfigPool name'),
    }),
  uiOptions: z =>
    z.object({
      requireMode: z
        .union([z.enum(MODES), z.array(z.enum(MODES))])
        .optional()
        .describe(
          'Only pools in this layering mode (or one of these) can be chosen',
        ),
      forbidDegraded: z
        .boolean()
        .optional()
        .describe('Refuse degraded pools (default true)'),
      forbidPaused: z.boolean().optional().describe('Refuse paused pools'),
      forbidBuilding: z
        .boolean()
        .optional()
        .describe('Refuse pools with an image build in progress'),
      allowedClusters: z
        .array(z.string())
        .optional()
        .describe('Only offer these clusters'),
    }),
});

/** JSON schema of the `LayeringContainerfileEditor` value and options. */
export const layeringContainerfileEditorSchema = makeFieldSchema({
  output: z => z.string().describe('Containerfile content'),
  uiOptions: z =>
    z.object({
      mode: z
        .enum(['on-cluster', 'out-of-cluster'])
        .optional()
        .describe('on-cluster (MachineOSConfig) or out-of-cluster build'),
      apiVersion: z
        .enum(['v1', 'v1alpha1'])
        .optional()
        .describe("MachineOSConfig API version; default: the chosen cluster's"),
      poolField: z
        .string()
        .optional()
        .describe(
          'Form field holding the LayeringPoolPicker value (default target)',
        ),
      cluster: z.string().optional().describe('A fixed cluster'),
      rows: z.number().optional().describe('Editor height in lines'),
    }),
});

/** JSON schema of the `LayeringBaseImage` value and options. */
export const layeringBaseImageSchema = makeFieldSchema({
  output: z => z.string().describe('Base image by digest'),
  uiOptions: z =>
    z.object({
      poolField: z
        .string()
        .optional()
        .describe(
          'Form field holding the LayeringPoolPicker value (default target)',
        ),
      cluster: z.string().optional().describe('A fixed cluster'),
    }),
});

/** JSON schema of the `LayeringRequestPreview` value and options. */
export const layeringRequestPreviewSchema = makeFieldSchema({
  output: z =>
    z.string().describe('Summary of the reboots, inherited pools and warnings'),
  uiOptions: z =>
    z.object({
      poolField: z
        .string()
        .optional()
        .describe(
          'Form field holding the LayeringPoolPicker value (default target)',
        ),
      cluster: z.string().optional().describe('A fixed cluster'),
      rolloutField: z
        .string()
        .optional()
        .describe(
          'Form field holding the roll-out choice, now or build-first (default rollout)',
        ),
      mode: z
        .enum(['on-cluster', 'out-of-cluster'])
        .optional()
        .describe('The kind of change; enables the pre-flight warnings'),
      modeField: z
        .string()
        .optional()
        .describe(
          'Form field holding the kind of change, on-cluster or out-of-cluster, when the user chooses it (e.g. layeredAs); mode wins when both are set',
        ),
      operation: z
        .enum(['create', 'modify', 'revert', 'pause', 'resume'])
        .optional()
        .describe(
          "create (default) for a new layer, modify when the template changes the existing one, revert when it removes the pool's layered image (the mode then comes from the pool when it is layered), pause or resume when it sets the pool's spec.paused (what is pending, and which nodes a resume reboots)",
        ),
      operationField: z
        .string()
        .optional()
        .describe(
          'Form field holding the operation when the user chooses it (e.g. operation, holding pause or resume); its value wins, operation applies while it holds none',
        ),
    }),
});

/** JSON schema of the `LayeringDeliveryPicker` value. */
export const layeringDeliveryPickerSchema = makeFieldSchema({
  output: z =>
    z
      .enum(['pull-request', 'direct'])
      .describe(
        "pull-request to the cluster's GitOps repository, or direct to apply now",
      ),
  uiOptions: z => z.object({}),
});

/** JSON schema of the `LayeringForgePicker` value and options. */
export const layeringForgePickerSchema = makeFieldSchema({
  output: z =>
    z
      .enum(['github', 'gitlab'])
      .describe('github (pull request) or gitlab (merge request)'),
  uiOptions: z =>
    z.object({
      tokenField: z
        .string()
        .optional()
        .describe(
          'Form field of the personal token, a ui:field Secret (default forgeToken)',
        ),
      repoUrlField: z
        .string()
        .optional()
        .describe(
          'Form field of the repository, a RepoUrlPicker (default repoUrl)',
        ),
    }),
});

/** JSON schema of the `LayeringPoolSetting` value and options. */
export const layeringPoolSettingSchema = makeFieldSchema({
  output: z =>
    z
      .string()
      .describe(
        "A setting of the pool's layering; secrets by name, never their contents",
      ),
  uiOptions: z =>
    z.object({
      setting: z
        .enum(POOL_SETTINGS)
        .describe(
          "The setting the field starts from: the push spec, push secret name or base image pull secret name of the pool's MachineOSConfig, or the osImageURL of its MachineConfig",
        ),
      poolField: z
        .string()
        .optional()
        .describe(
          'Form field holding the LayeringPoolPicker value (default target)',
        ),
      cluster: z.string().optional().describe('A fixed cluster'),
    }),
});

/** New-system form field of `LayeringPoolPicker`. */
export const layeringPoolPickerFormField = createFormField({
  name: 'LayeringPoolPicker',
  component: LayeringPoolPicker,
  validation: layeringPoolPickerValidation,
  schema: layeringPoolPickerSchema,
});

/** New-system form field of `LayeringContainerfileEditor`. */
export const layeringContainerfileEditorFormField = createFormField({
  name: 'LayeringContainerfileEditor',
  component: LayeringContainerfileEditor,
  validation: layeringContainerfileEditorValidation,
  schema: layeringContainerfileEditorSchema,
});

/** New-system form field of `LayeringBaseImage`. */
export const layeringBaseImageFormField = createFormField({
  name: 'LayeringBaseImage',
  component: LayeringBaseImage,
  validation: layeringBaseImageValidation,
  schema: layeringBaseImageSchema,
});

/** New-system form field of `LayeringPoolSetting`. */
export const layeringPoolSettingFormField = createFormField({
  name: 'LayeringPoolSetting',
  component: LayeringPoolSetting,
  validation: layeringPoolSettingValidation,
  schema: layeringPoolSettingSchema,
});

/** New-system form field of `LayeringRequestPreview` (read-only, never blocks). */
export const layeringRequestPreviewFormField = createFormField({
  name: 'LayeringRequestPreview',
  component: LayeringRequestPreview,
  schema: layeringRequestPreviewSchema,
});

/** New-system form field of `LayeringDeliveryPicker`. */
export const layeringDeliveryPickerFormField = createFormField({
  name: 'LayeringDeliveryPicker',
  component: LayeringDeliveryPicker,
  validation: layeringDeliveryPickerValidation,
  schema: layeringDeliveryPickerSchema,
});

/** New-system form field of `LayeringForgePicker`. */
export const layeringForgePickerFormField = createFormField({
  name: 'LayeringForgePicker',
  component: LayeringForgePicker,
  validation: layeringForgePickerValidation,
  schema: layeringForgePickerSchema,
});
