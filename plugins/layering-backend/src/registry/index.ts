export { RegistryClient, MANIFEST_MEDIA_TYPES } from './RegistryClient';
export { assertRegistryEntries } from './endpoints';
export type { ImageConfigInfo } from './RegistryClient';
export { RegistryError } from './types';
export type {
  RegistryAuth,
  RegistryClientOptions,
  RegistryEndpointConfig,
  RegistryErrorCode,
  RegistryFetch,
  RegistryRequestInit,
  RegistryResponse,
} from './types';
export { parseWwwAuthenticate } from './wwwAuthenticate';
export type { AuthChallenge } from './wwwAuthenticate';
