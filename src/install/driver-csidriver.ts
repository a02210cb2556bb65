import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { clusterScoped } from '../app/cluster-scoped';
import { CSI_DRIVER_NAME } from '../facts/constants';

/**
 * The CSIDriver `secrets-store.csi.k8s.io`, as upstream `deploy/csidriver.yaml`, with the token
 * audiences and `serviceAccountTokenInSecrets` decided at synth (they follow the app's classes).
 */

/**
 * The typed CSIDriver plus `spec.serviceAccountTokenInSecrets` (Kubernetes 1.35), which the
 * 1.27 types do not have: their mapping drops unknown keys, JSON patches included, so the field is
 * added to the mapped output.
 */
class CsiDriver extends kplus.k8s.KubeCsiDriver {
  constructor(scope: Construct, id: string, props: kplus.k8s.KubeCsiDriverProps, private readonly tokensInSecrets: () => boolean) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (!this.tokensInSecrets()) return json;
    const spec = { ...json.spec, serviceAccountTokenInSecrets: true };
    return { ...json, spec: Object.fromEntries(Object.keys(spec).sort().map(k => [k, spec[k]])) };
  }
}

/**
 * @internal
 * The CSIDriver: `audiences` are read at synth (none: no `tokenRequests`), and
 * `serviceAccountTokenInSecrets` is written when `tokensInSecrets` and there are audiences.
 */
export function addCsiDriver(scope: Construct, id: string, audiences: () => string[], tokensInSecrets: boolean): kplus.k8s.KubeCsiDriver {
  const tokenRequests = (): kplus.k8s.TokenRequest[] | undefined => {
    const list = audiences();
    return list.length ? list.map(audience => ({ audience })) : undefined;
  };
  return new CsiDriver(scope, id, {
    metadata: clusterScoped({ name: CSI_DRIVER_NAME }),
    spec: {
      podInfoOnMount: true,
      attachRequired: false,
      volumeLifecycleModes: ['Ephemeral'],
      requiresRepublish: true,
      tokenRequests: Lazy.any({ produce: tokenRequests }),
    },
  }, () => tokensInSecrets && audiences().length > 0);
}
