import { useApi } from '@backstage/frontend-plugin-api';
import { toError, type ErrorLike } from '@backstage/errors';
import type { PoolLayeringSettings } from '@rhcos-layering/plugin-layering-common';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../api';
import { poolKey } from './usePoolEntities';

/** Result of {@link usePoolLayeringSettings}. */
export interface PoolLayeringSettingsState {
  /** The settings of the current pool, once they have been read. */
  settings: PoolLayeringSettings | undefined;
  /**
   * `<cluster>/<pool>` of the pool that `settings` or `error` describe: the
   * current pool once its answer is in, else undefined.
   */
  forPool: string | undefined;
  /** True while the current pool's settings are being read. */
  loading: boolean;
  /** Why the current pool's settings could not be read. */
  error: ErrorLike | undefined;
}

/**
 * The layering settings of a pool (`GET /clusters/:c/pools/:p/layering`),
 * read again whenever the cluster or pool changes; nothing is read while
 * either is missing.
 *
 * @remarks
 * Only the current pool's answer is ever returned. A plain async hook keeps
 * the previous answer while the next pool loads, and even reports it as
 * settled in the first render after the pool changes, so a form field would
 * take one pool's settings for another's. Each answer, good or failed,
 * carries the pool it was asked for and is dropped when that is no longer
 * the current pool.
 */
export function usePoolLayeringSettings(
  cluster: string | undefined,
  pool: string | undefined,
): PoolLayeringSettingsState {
  const api = useApi(layeringApiRef);
  const key = cluster && pool ? poolKey(cluster, pool) : undefined;
  const { value } = useAsync(async () => {
    if (!cluster || !pool) return undefined;
    const asked = poolKey(cluster, pool);
    try {
      return { key: asked, settings: await api.getPoolLayering(cluster, pool) };
    } catch (e) {
      return { key: asked, error: toError(e) };
    }
  }, [api, cluster, pool]);

  const answer = value && value.key === key ? value : undefined;
  return {
    settings: answer?.settings,
    forPool: answer?.key,
    loading: key !== undefined && answer === undefined,
    error: answer?.error,
  };
}
