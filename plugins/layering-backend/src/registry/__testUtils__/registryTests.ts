import { RegistryError } from '../types';
import { TestRegistry, type TestRegistryOptions } from './TestRegistry';

/** Expects `promise` to fail with a RegistryError of `code`, and returns that error. */
export async function expectRegistryError(
  promise: Promise<unknown>,
  code: string,
): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as RegistryError).code).toBe(code);
  return error as RegistryError;
}

/**
 * Call inside a `describe`: returns a function that starts a test registry, and stops every
 * registry it started after each test.
 */
export function useTestRegistries(): (options?: TestRegistryOptions) => Promise<TestRegistry> {
  const registries: TestRegistry[] = [];
  afterEach(async () => {
    await Promise.all(registries.splice(0).map(r => r.stop()));
  });
  return async options => {
    const registry = await new TestRegistry(options).start();
    registries.push(registry);
    return registry;
  };
}
