// Most tests here talk to a live server (an embedded cluster, a test backend, a registry): on a
// busy 2-core machine Jest's 5 s default fails them while they are still making progress. Tests
// wait on conditions; this limit only ends a test that is truly stuck.
jest.setTimeout(60_000);
