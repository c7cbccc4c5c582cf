import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Button, Flex, Text, TextField } from '@backstage/ui';
import FormHelperText from '@material-ui/core/FormHelperText';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { clusterFromForm } from '../fieldContext';
import { LoadError } from '../LoadError';
import { baseImageErrors, type LayeringBaseImageOptions } from './rules';

/**
 * Scaffolder field: the base image of an out-of-cluster build, prefilled
 * with the chosen cluster's release RHCOS image by digest.
 *
 * @public
 */
export function LayeringBaseImage(
  props: FieldExtensionComponentProps<string, LayeringBaseImageOptions>,
) {
  const {
    formData,
    onChange,
    schema,
    uiSchema,
    rawErrors,
    required,
    disabled,
  } = props;
  const options: LayeringBaseImageOptions = uiSchema['ui:options'] ?? {};
  const api = useApi(layeringApiRef);
  const cluster = clusterFromForm(props.formContext?.formData, options);
  const release = useAsync(
    async () => (cluster ? api.getRelease(cluster) : undefined),
    [api, cluster],
  );
  const releaseImage = release.value?.baseImage ?? undefined;

  // Prefill once the release is known, but never overwrite a user's value.
  useEffect(() => {
    if (!formData && releaseImage) {
      onChange(releaseImage);
    }
  }, [formData, releaseImage, onChange]);

  const errors = formData ? baseImageErrors(formData) : [];

  return (
    <Flex direction="column" gap="1">
      <TextField
        label={schema.title ?? 'Base image'}
        description={
          schema.description ??
          "The release's RHCOS image by digest; a tag would let nodes resolve different images."
        }
        isRequired={required}
        isDisabled={disabled}
        // The scaffolder form validates: native validity would block its submit, and with it
        // the only way to clear these errors.
        validationBehavior="aria"
        isInvalid={errors.length > 0 || (rawErrors?.length ?? 0) > 0}
        value={formData ?? ''}
        onChange={value => onChange(value === '' ? undefined : value)}
      />
      {!cluster && (
        <Text as="p" variant="body-small" color="secondary">
          Choose a cluster first to prefill its release image.
        </Text>
      )}
      {release.error && <LoadError error={release.error} />}
      {release.value && (
        <Flex align="center" gap="2">
          <Text as="span" variant="body-small" color="secondary">
            {`Release ${
              release.value.version ?? 'unknown'
            } of ${cluster} · RHCOS ${release.value.rhcosVersion ?? 'unknown'}`}
          </Text>
          {releaseImage && formData && formData !== releaseImage && (
            <Button
              size="small"
              variant="tertiary"
              onPress={() => onChange(releaseImage)}
            >
              Use the release image
            </Button>
          )}
        </Flex>
      )}
      {release.value?.stale && (
        <Text as="p" variant="body-small" color="warning">
          The portal's data for {cluster} is stale: check that this is still the
          cluster's release.
        </Text>
      )}
      {release.value && !releaseImage && (
        <FormHelperText error>
          The backend does not know the release image of {cluster} yet.
        </FormHelperText>
      )}
      {/* The form lists the validator's errors (rawErrors) under the field itself. */}
      {errors
        .filter(error => !rawErrors?.includes(error))
        .map(error => (
          <FormHelperText key={error} error>
            {error}
          </FormHelperText>
        ))}
    </Flex>
  );
}
