/**
 * Writes the `ocp-417`, `ocp-419` and `sno-419` states (and the generated extras of `ocp-418`)
 * from the descriptions in `generator/` (one file per state), computing rendered config names,
 * build names and pool status with the simulation's own functions, so every state is consistent
 * by construction.
 *
 * Run: `yarn tsx states/generate.ts` inside packages/embedded-cluster. All digests, UUIDs, build
 * IDs and versions are made up; they only have the right shape.
 */
import { ocp417 } from './generator/ocp417';
import { ocp418Extras } from './generator/ocp418';
import { ocp419 } from './generator/ocp419';

const root = __dirname;
ocp418Extras(root);
ocp417(root);
ocp419(root, false);
ocp419(root, true);
