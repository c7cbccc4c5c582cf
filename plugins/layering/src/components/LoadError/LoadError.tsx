import { ErrorPanel, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/** Props of {@link LoadError}. */
export interface LoadErrorProps {
  error: Error;
  title?: string;
}

/**
 * A failed load: the backend's error body for HTTP errors, the message for
 * anything else (a network failure, for instance).
 */
export function LoadError(props: LoadErrorProps) {
  const { error, title } = props;
  if (ResponseError.is(error)) {
    return <ResponseErrorPanel error={error} title={title} />;
  }
  return <ErrorPanel error={error} title={title} />;
}
