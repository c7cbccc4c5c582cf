import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  layeringClusterApplyPermission,
  layeringClusterReadPermission,
  layeringPermissions,
  layeringPoolReadPermission,
} from './permissions';
import {
  LAYERING_CLUSTER_ANNOTATION,
  LAYERING_POOL_ANNOTATION,
  poolEntityName,
} from './annotations';

describe('permissions', () => {
  it('defines the documented names and actions', () => {
    expect(layeringClusterReadPermission).toMatchObject({
      type: 'basic',
      name: 'layering.cluster.read',
      attributes: { action: 'read' },
    });
    expect(layeringPoolReadPermission).toMatchObject({
      type: 'basic',
      name: 'layering.pool.read',
      attributes: { action: 'read' },
    });
    expect(layeringClusterApplyPermission).toMatchObject({
      type: 'basic',
      name: 'layering.cluster.apply',
      attributes: { action: 'update' },
    });
    expect(layeringPermissions.map(p => p.name)).toEqual([
      'layering.cluster.read',
      'layering.pool.read',
      'layering.cluster.apply',
    ]);
    expect(layeringPermissions.some(p => isResourcePermission(p))).toBe(false);
  });
});

describe('annotations', () => {
  it('names catalog annotations and pool entities as documented', () => {
    expect(LAYERING_CLUSTER_ANNOTATION).toBe('layering.openshift.io/cluster');
    expect(LAYERING_POOL_ANNOTATION).toBe('layering.openshift.io/pool');
    expect(poolEntityName('ocp-418', 'worker')).toBe('ocp-418-worker');
  });
});
