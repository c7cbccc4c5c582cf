import { Text } from '@backstage/ui';

/** Props of {@link RefreshError}. */
export interface RefreshErrorProps {
  error?: Error;
}

/** A one-line note that the data on screen could not be refreshed. */
export function RefreshError(props: RefreshErrorProps) {
  if (!props.error) {
    return null;
  }
  return (
    <Text as="p" variant="body-x-small" color="warning" role="status">
      Could not refresh, showing the last data received: {props.error.message}
    </Text>
  );
}
