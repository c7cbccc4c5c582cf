import { useApi } from '@backstage/frontend-plugin-api';
import { useRouteRef } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Button, Menu, MenuItem, MenuTrigger, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { scaffolderTemplateRouteRef } from '../../routes';
import { usePoolPermissions } from '../../hooks/usePoolPermissions';
import { DEFAULT_FORM_DATA_KEY, DEFAULT_TEMPLATE_TAG } from './constants';

/** Props of {@link RequestChangeMenu}. */
export interface RequestChangeMenuProps {
  cluster: string;
  pool: string;
  /** Only templates with this tag are offered. */
  templateTag?: string;
  /**
   * Name of the template parameter that holds the `LayeringPoolPicker`
   * value; it is prefilled with `{ cluster, pool }`.
   */
  formDataKey?: string;
}

/**
 * Builds the query string that prefills a template's form. The scaffolder
 * reads the form's initial state from a JSON `formData` query parameter.
 */
export function prefillQuery(
  formDataKey: string,
  cluster: string,
  pool: string,
): string {
  const formData = { [formDataKey]: { cluster, pool } };
  return `?${new URLSearchParams({
    formData: JSON.stringify(formData),
  }).toString()}`;
}

/**
 * "Request a change": the layering templates of the catalog, each link
 * opening the template with this pool already chosen. Shown only to users who
 * may ask for a change to this pool (`layering.pool.request`) or apply one
 * directly (`layering.cluster.apply`).
 */
export function RequestChangeMenu(props: RequestChangeMenuProps) {
  const {
    cluster,
    pool,
    templateTag = DEFAULT_TEMPLATE_TAG,
    formDataKey = DEFAULT_FORM_DATA_KEY,
  } = props;
  const catalogApi = useApi(catalogApiRef);
  const templateLink = useRouteRef(scaffolderTemplateRouteRef);
  const allowed = usePoolPermissions(cluster, pool);

  const { value: templates, error } = useAsync(async () => {
    const response = await catalogApi.getEntities({
      filter: { kind: 'Template', 'metadata.tags': templateTag },
      fields: ['metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return response.items
      .map(template => ({
        namespace: template.metadata.namespace ?? 'default',
        name: template.metadata.name,
        title: template.metadata.title ?? template.metadata.name,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi, templateTag]);

  if (!templateLink || allowed.loading || !(allowed.canRequest || allowed.canApply)) {
    return null;
  }
  if (error) {
    return (
      <Text as="span" variant="body-small" color="secondary">
        Templates could not be loaded: {error.message}
      </Text>
    );
  }
  if (!templates || templates.length === 0) {
    return null;
  }
  const query = prefillQuery(formDataKey, cluster, pool);
  return (
    <MenuTrigger>
      <Button variant="secondary" size="small">
        Request a change
      </Button>
      <Menu placement="bottom end">
        {templates.map(template => (
          <MenuItem
            key={`${template.namespace}/${template.name}`}
            id={`${template.namespace}/${template.name}`}
            href={`${templateLink({
              namespace: template.namespace,
              templateName: template.name,
            })}${query}`}
          >
            {template.title}
          </MenuItem>
        ))}
      </Menu>
    </MenuTrigger>
  );
}
