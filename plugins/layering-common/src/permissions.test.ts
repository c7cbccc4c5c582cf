import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  layeringClusterApplyPermission,
  layeringClusterReadPermission,
  layeringPermissions,
  layeringPoolPermissions,
  layeringPoolReadPermission,
  layeringPoolRequestPermission,
  LAYERING_POOL_RESOURCE_TYPE,
  poolResourceRef,
} from './permissions';
import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_POOL_ANNOTATION,
  poolEntityName,
} from './annotations';

describe('permissions', () => {
  it('defines the documented names, actions and resource type', () => {
    expect(layeringClusterReadPermission).toMatchObject({
      type: 'basic',
      name: 'layering.cluster.read',
      attributes: { action: 'read' },
    });
    expect(layeringPoolReadPermission).toMatchObject({
      type: 'resource',
      name: 'layering.pool.read',
      attributes: { action: 'read' },
      resourceType: 'layering-pool',
    });
    expect(layeringPoolRequestPermission).toMatchObject({
      type: 'resource',
      name: 'layering.pool.request',
      attributes: { action: 'create' },
      resourceType: 'layering-pool',
    });
    expect(layeringClusterApplyPermission).toMatchObject({
      type: 'resource',
      name: 'layering.cluster.apply',
      attributes: { action: 'update' },
      resourceType: 'layering-pool',
    });
    expect(layeringPermissions.map(p => p.name)).toEqual([
      'layering.cluster.read',
      'layering.pool.read',
      'layering.pool.request',
      'layering.cluster.apply',
    ]);
    expect(layeringPoolPermissions.every(p => isResourcePermission(p, LAYERING_POOL_RESOURCE_TYPE))).toBe(true);
    expect(isResourcePermission(layeringClusterReadPermission)).toBe(false);
  });

  it('names a pool resource by its catalog entity ref', () => {
    expect(poolResourceRef('ocp-418', 'worker')).toBe('resource:default/ocp-418-worker');
  });
});

describe('annotations', () => {
  it('names catalog annotations and pool entities as documented', () => {
    expect(LAYERING_CLUSTER_ANNOTATION).toBe('layering.openshift.io/cluster');
    expect(LAYERING_POOL_ANNOTATION).toBe('layering.openshift.io/pool');
    expect(poolEntityName('ocp-418', 'worker')).toBe('ocp-418-worker');
  });
});
