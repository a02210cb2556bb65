import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AzureCloud } from './cloud';
import { KeyVaultIdentity } from './identity';
import { mountClass, MountOptions } from './mount';
import { KeyVaultObject, objectField, renderObjects } from './object';
import { SyncedSecret, SyncSecretOptions } from './synced-secret';
import { envValueConsumers } from './synced-secret-consumers';
import { MountSource } from './workload-mounts';
import { SecretProviderClass } from '../../imports/secretproviderclass-secrets-store.csi.x-k8s.io';
import { check, checkFindings, withRenderedFindings } from '../app/errors';
import { AppRegistry, RegisteredClass } from '../app/registry';
import { Param, PROVIDER_NAME } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { classWritesObjects } from '../rules/class';
import { uniqueClassName } from '../rules/cluster';
import { Finding, ObjectEntry, present } from '../rules/model';
import { FileClaims } from '../rules/objects';
import { checkSecretName, syncedSecretMounted, syncedSecretReaderNamespace } from '../rules/sync';
import * as types from '../rules/types';
import * as rules from '../rules/values';

/** Properties of a `KeyVaultSecretProviderClass`. */
export interface KeyVaultSecretProviderClassProps {
  /**
   * Metadata of the SecretProviderClass.
   *
   * @default - a name generated from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /** Name of the Key Vault (`keyvaultName`). */
  readonly keyVaultName: string;

  /** Directory (tenant) ID of the Key Vault (`tenantID`); "adfs" with `AzureCloud.stack`. */
  readonly tenantId: string;

  /** How the provider signs in to Azure. */
  readonly identity: KeyVaultIdentity;

  /**
   * Objects to write into the mount; add more with `addObject()`.
   *
   * @default - none yet (at least one is required at synth)
   */
  readonly objects?: KeyVaultObject[];

  /**
   * The Azure cloud of the Key Vault.
   *
   * @default AzureCloud.PUBLIC
   */
  readonly cloud?: AzureCloud;
}

/**
 * A SecretProviderClass for the Azure Key Vault provider: what to read from which vault with
 * which identity, and which Kubernetes Secrets to sync from it. Mount it into workloads with
 * `mount()`.
 */
export class KeyVaultSecretProviderClass extends Construct {
  /** The SecretProviderClass L1 (the imported CRD type): escape hatch for anything not modelled. */
  public readonly apiObject: ApiObject;
  /** Name of the SecretProviderClass, referenced by pod volumes. */
  public readonly name: string;
  /**
   * Namespace of the class; pods mounting it must be in the same one.
   *
   * @default - none (the namespace kubectl applies to)
   */
  public readonly namespace?: string;
  /** Name of the Key Vault. */
  public readonly keyVaultName: string;
  /** Directory (tenant) ID. */
  public readonly tenantId: string;
  /** How the provider signs in. */
  public readonly identity: KeyVaultIdentity;
  /** The Azure cloud. */
  public readonly cloud: AzureCloud;

  private readonly _objects: KeyVaultObject[] = [];
  private readonly _syncedSecrets: SyncedSecret[] = [];
  /** The paths the objects write, checked as each object is added (clashes in O(depth)). */
  private readonly claims = new FileClaims(index => this._objects[index]._entry());
  /** Whether a workload mounts the class: the driver syncs Secrets only then. */
  private _mounted = false;

  constructor(scope: Construct, id: string, props: KeyVaultSecretProviderClassProps) {
    super(scope, id);
    check(this, propTypes(props));
    this.cloud = props.cloud ?? AzureCloud.PUBLIC;
    this.identity = props.identity;
    this.keyVaultName = props.keyVaultName;
    this.tenantId = props.tenantId;

    check(this, [
      rules.keyVaultName(props.keyVaultName, 'keyVaultName'),
      rules.tenantId(props.tenantId, this.cloud.isStack, 'tenantId'),
      this.cloud.environmentFile === undefined ? undefined : rules.mountPath(this.cloud.environmentFile, 'cloud.environmentFile'),
    ]);
    props.identity._validate(this);

    this.apiObject = new SecretProviderClass(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        provider: PROVIDER_NAME,
        parameters: {
          [Param.KEYVAULT_NAME]: props.keyVaultName,
          [Param.TENANT_ID]: props.tenantId,
          ...this.cloud._parameters(),
          ...props.identity._parameters(),
          [Param.OBJECTS]: Lazy.any({ produce: () => renderObjects(this._objects) }),
        },
        secretObjects: Lazy.any({ produce: () => this._syncedSecrets.length ? this._syncedSecrets.map(s => s._toSecretObject()) : undefined }),
      },
    });
    this.name = this.apiObject.name;
    this.namespace = this.apiObject.metadata.namespace;
    const badName = rules.dns1123Subdomain(this.name, 'metadata.name');
    check(this, badName && props.metadata?.name === undefined
      ? { ...badName, fix: 'set `metadata.name`, or use a construct id of lowercase letters, digits and hyphens (the name is generated from it)' }
      : badName);

    this.addObject(...props.objects ?? []);
    // What the class renders (after JSON patches) goes through validate's rules at synth.
    AppRegistry.of(this).addValidation(this, () =>
      withRenderedFindings(this, [...present(classWritesObjects(this._objects.length, 'construct', 'objects')), ...this.syncedSecretUse()]));
    this.register();
  }

  /** The objects the class writes (a copy; add with `addObject()`). */
  public get objects(): KeyVaultObject[] {
    return [...this._objects];
  }

  /** The Kubernetes Secrets synced from the class (a copy; add with `syncSecret()`). */
  public get syncedSecrets(): SyncedSecret[] {
    return [...this._syncedSecrets];
  }

  /** Adds objects to write; every file they write must be unique within the class. */
  public addObject(...objects: KeyVaultObject[]): void {
    for (const object of objects) {
      const field = `objects[${this._objects.length}]`;
      object._validate(this, field);
      const clash = this.claims.claim(object._entry());
      if (clash) checkFindings(this, [clash], objectField);
      this._objects.push(object);
    }
    AppRegistry.of(this).changed();
  }

  /**
   * Syncs mounted files into a Kubernetes Secret (`secretObjects`), e.g. for env vars or an
   * Ingress TLS secret. Needs a pod mounting the class and the driver's secret-sync RBAC (which
   * `SecretsStoreCsiDriver` installs when a class in the app syncs).
   */
  public syncSecret(options: SyncSecretOptions): SyncedSecret {
    const field = `secretObjects[${this._syncedSecrets.length}]`;
    checkFindings(this, checkSecretName(options?.secretName, new Set(this._syncedSecrets.map(s => s.secretName)), field));
    const synced = SyncedSecret._create(this, field, options);
    this._syncedSecrets.push(synced);
    AppRegistry.of(this).changed();
    return synced;
  }

  /**
   * Mounts the class into a workload: a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * ReplicationController, Job or CronJob from any cdk8s-plus major, an imported `k8s` kind
   * (`KubeDeployment`…) or a hand-written `ApiObject`. Adds a read-only CSI volume and read-only
   * mounts, plus what the identity needs (RBAC grant for identity binding, federated subject for
   * workload identity, `nodePublishSecretRef` for a service principal, the pod label for pod
   * identity). The options are checked now; containers, the ServiceAccount and the pod's other
   * volumes are read at synth, so they may be set before or after `mount()`.
   */
  public mount(workload: IConstruct, options: MountOptions = {}): void {
    mountClass(this.mountSource(), workload, options);
    this._mounted = true;
  }

  /**
   * A synced Secret that something reads exists only while a pod mounts the class, and only in the
   * class's namespace (the driver writes it in the namespace of the pods that mount the class).
   */
  private syncedSecretUse(): Finding[] {
    return this._syncedSecrets.flatMap((synced, i) => {
      const field = `secretObjects[${i}].secretName`;
      if (!synced._used) return [];
      const unmounted = syncedSecretMounted(this._mounted, this.name, this.namespace, synced.secretName, field);
      if (unmounted || synced._envValues.length === 0) return unmounted ? [unmounted] : [];
      const consumers = envValueConsumers(this);
      return synced._envValues.flatMap(value => consumers.get(value) ?? [])
        .map(consumer => syncedSecretReaderNamespace(consumer.scope.node.path, consumer.namespace, this.namespace, synced.secretName, field))
        .filter((f): f is Finding => f !== undefined);
    });
  }

  private mountSource(): MountSource {
    return { scope: this, name: this.name, namespace: this.namespace, identity: this.identity, objects: () => this._objects };
  }

  private register(): void {
    // Same name and namespace in one cluster: `kubectl apply` of one replaces the other.
    const registry = AppRegistry.of(this);
    const cluster = AppRegistry.clusterOf(this);
    const key = `${cluster}\u0000${this.namespace ?? ''}\u0000${this.name}`;
    const existing = registry.classNames.get(key);
    check(this, uniqueClassName(this.name, this.namespace, existing?.node.path, 'construct', cluster));
    registry.classNames.set(key, this);
    registry.checkRenderedObjects({ scope: this, cluster, objects: () => [this.apiObject] });
    registry.classes.push(new ClassRegistration(this, this._objects, this._syncedSecrets));
  }
}

/**
 * What the registry knows about a class: a small object of one shape (fleet apps register tens of
 * thousands), reading the class's lists when asked.
 */
class ClassRegistration implements RegisteredClass {
  public readonly node: IConstruct['node'];
  public readonly tokenAudience?: string;
  public readonly identityMode: IdentityMode;
  public readonly cloudEnvironmentFile?: string;
  public readonly keyVaultName: string;
  public readonly clientId?: string;

  constructor(
    spc: KeyVaultSecretProviderClass,
    private readonly _objects: readonly KeyVaultObject[],
    private readonly _synced: readonly SyncedSecret[],
  ) {
    this.node = spc.node;
    this.tokenAudience = spc.identity.tokenAudience;
    this.identityMode = spc.identity.mode;
    this.cloudEnvironmentFile = spc.cloud.environmentFile;
    this.keyVaultName = spc.keyVaultName;
    this.clientId = spc.identity.clientId;
  }

  public get syncsSecrets(): boolean {
    return this._synced.length > 0;
  }

  public get objects(): ObjectEntry[] {
    return this._objects.map(o => o._entry());
  }
}

/** The props as untyped callers may pass them (JavaScript, jsii languages). */
function propTypes(props: KeyVaultSecretProviderClassProps): (Finding | undefined)[] {
  const objects: unknown = props?.objects;
  return [
    types.required(props, 'props', '{ keyVaultName, tenantId, identity, objects }'),
    types.requiredString(props?.keyVaultName, 'keyVaultName', 'kvname'),
    types.requiredString(props?.tenantId, 'tenantId', '00000000-0000-0000-0000-000000000000'),
    types.instanceOf(props?.identity, 'identity', KeyVaultIdentity, 'a KeyVaultIdentity factory, e.g. KeyVaultIdentity.workloadIdentity({ clientId })'),
    types.instanceOf(props?.cloud, 'cloud', AzureCloud, 'an AzureCloud member, e.g. AzureCloud.US_GOVERNMENT', false),
    types.optionalList(objects, 'objects', 'KeyVaultObject') ?? (Array.isArray(objects) ? objectTypes(objects) : undefined),
  ];
}

/** The first entry of `objects` that is not a KeyVaultObject. */
function objectTypes(objects: unknown[]): Finding | undefined {
  for (let i = 0; i < objects.length; i++) {
    const finding = types.instanceOf(objects[i], `objects[${i}]`, KeyVaultObject, 'KeyVaultObject.secret(name), .key(name) or .certificate(name)');
    if (finding) return finding;
  }
  return undefined;
}
