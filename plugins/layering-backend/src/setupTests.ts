// Jest runs this package as CommonJS without --experimental-vm-modules, where a native dynamic
// import() is refused; the real client-node is loaded through require() instead (Jest transpiles
// it from ESM).
jest.mock('./kubernetes/loadClientNode', () => ({
  loadClientNode: async () => jest.requireActual('@kubernetes/client-node'),
}));

jest.mock('./services/loadEmbeddedOpenshift', () => ({
  loadEmbeddedOpenshift: async () => jest.requireActual('@internal/embedded-openshift'),
}));
