import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type AuthService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { catalogServiceRef, type CatalogService } from '@backstage/plugin-catalog-node';
import type { LayeringClusterDetails, LayeringClustersService } from './types';
import { POD_SERVICE_ACCOUNT_TOKEN_PATH } from './config/credentials';
import {
  readConfigClusters,
  readLayeringClusterSettings,
  type LayeringClusterSettings,
} from './config/readClusters';
import { readCatalogClusters, type CatalogLocatorSettings } from './config/catalogClusters';

const SUPPORTED_LOCATORS = new Set(['config', 'catalog']);

/**
 * Options of {@link DefaultLayeringClustersService.fromConfig}.
 *
 * @public
 */
export interface DefaultLayeringClustersServiceOptions {
  logger: LoggerService;
  /** Needed only when a `catalog` cluster locator is configured. */
  catalog?: CatalogService;
  /** Needed only when a `catalog` cluster locator is configured. */
  auth?: AuthService;
  /** Token file of `serviceAccount` clusters without a token; default the pod's own. */
  podTokenPath?: string;
}

/**
 * The clusters of `kubernetes.clusterLocatorMethods` (types `config` and `catalog`), filtered and
 * completed by `layering.clusters`. Config clusters are read once; catalog clusters on each call.
 *
 * @public
 */
export class DefaultLayeringClustersService implements LayeringClustersService {
  readonly #configClusters: LayeringClusterDetails[];
  readonly #catalogLocators: CatalogLocatorSettings[];
  readonly #settings: LayeringClusterSettings;
  readonly #options: DefaultLayeringClustersServiceOptions;

  /** Reads the configuration; a malformed credential block fails here, naming its key. */
  static fromConfig(
    config: Config,
    options: DefaultLayeringClustersServiceOptions,
  ): DefaultLayeringClustersService {
    return new DefaultLayeringClustersService(config, options);
  }

  private constructor(config: Config, options: DefaultLayeringClustersServiceOptions) {
    this.#options = options;
    this.#settings = readLayeringClusterSettings(config);
    const podTokenPath = options.podTokenPath ?? POD_SERVICE_ACCOUNT_TOKEN_PATH;
    this.#configClusters = readConfigClusters(config, {
      logger: options.logger,
      podTokenPath,
      settings: this.#settings,
    });
    this.#catalogLocators = [];
    const methods = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, index) => {
      const type = method.getString('type');
      if (!SUPPORTED_LOCATORS.has(type)) {
        options.logger.warn(
          'The layering plugins ignore a Kubernetes cluster locator that is not of type config or catalog',
          { type },
        );
        return;
      }
      if (type === 'catalog') {
        if (!options.catalog || !options.auth) {
          throw new InputError(
            `kubernetes.clusterLocatorMethods[${index}]: a catalog locator needs the catalog service`,
          );
        }
        const filter: Record<string, string> = {};
        const block = method.getOptionalConfig('filter');
        for (const key of block?.keys() ?? []) {
          filter[key] = block!.getString(key);
        }
        this.#catalogLocators.push({ filter });
      }
    });
  }

  async getClusters(): Promise<LayeringClusterDetails[]> {
    if (this.#catalogLocators.length === 0) {
      return [...this.#configClusters];
    }
    const fromCatalog = await readCatalogClusters({
      catalog: this.#options.catalog!,
      auth: this.#options.auth!,
      logger: this.#options.logger,
      locators: this.#catalogLocators,
      settings: this.#settings,
      podTokenPath: this.#options.podTokenPath ?? POD_SERVICE_ACCOUNT_TOKEN_PATH,
    });
    // A name configured explicitly wins over a catalog entity of the same name.
    const names = new Set(this.#configClusters.map(c => c.name));
    return [...this.#configClusters, ...fromCatalog.filter(c => !names.has(c.name))];
  }
}

/**
 * The clusters the layering plugins use. The layering backend plugin and the layering scaffolder
 * module both depend on it, so one override reaches both: install a factory for this ref to
 * supply clusters or credentials from elsewhere (a vault, a fleet manager), e.g.
 * `createServiceFactory({ service: layeringClustersServiceRef, deps: {}, factory: () => mine })`.
 * The default reads `kubernetes.clusterLocatorMethods` and `layering.clusters`.
 *
 * @public
 */
export const layeringClustersServiceRef = createServiceRef<LayeringClustersService>({
  id: 'layering.clusters',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      factory({ config, logger, auth, catalog }) {
        return DefaultLayeringClustersService.fromConfig(config, { logger, auth, catalog });
      },
    }),
});
