import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry } from './app-registry';
import { AzureCloud } from './cloud';
import { Param, PROVIDER_NAME } from './constants';
import { KeyVaultIdentity } from './identity';
import { mountClass, MountOptions, MountSource } from './mount';
import { KeyVaultObject, renderObjects } from './object';
import { SyncedSecret, SyncSecretOptions } from './synced-secret';
import { envValueConsumers } from './synced-secret-consumers';
import * as rules from './validation';
import { SecretProviderClass } from '../imports/secretproviderclass-secrets-store.csi.x-k8s.io';

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
  /** Written file → owning object, and directory → object writing below it: unique paths in O(depth). */
  private readonly files = new Map<string, KeyVaultObject>();
  private readonly directories = new Map<string, KeyVaultObject>();
  /** Whether a workload mounts the class: the driver syncs Secrets only then. */
  private _mounted = false;

  constructor(scope: Construct, id: string, props: KeyVaultSecretProviderClassProps) {
    super(scope, id);
    this.cloud = props.cloud ?? AzureCloud.PUBLIC;
    this.identity = props.identity;
    this.keyVaultName = props.keyVaultName;
    this.tenantId = props.tenantId;

    rules.check(this, 'keyVaultName', props.keyVaultName, rules.keyVaultName(props.keyVaultName));
    rules.check(this, 'tenantId', props.tenantId, rules.tenantId(props.tenantId, this.cloud.isStack));
    if (this.cloud.environmentFile !== undefined) {
      rules.check(this, 'cloud.environmentFile', this.cloud.environmentFile, rules.mountPath(this.cloud.environmentFile));
    }
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
    const nameViolation = rules.dns1123Subdomain(this.name);
    rules.check(this, 'metadata.name', this.name, nameViolation && props.metadata?.name === undefined
      ? { ...nameViolation, fix: 'set `metadata.name`, or use a construct id of lowercase letters, digits and hyphens (the name is generated from it)' }
      : nameViolation);

    this.addObject(...props.objects ?? []);
    this.node.addValidation({ validate: () => this.validateContents() });
    this.node.addValidation({ validate: () => this.validateSyncedSecretUse() });
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
      this.claimFile(object, field);
      this._objects.push(object);
    }
  }

  /**
   * Syncs mounted files into a Kubernetes Secret (`secretObjects`), e.g. for env vars or an
   * Ingress TLS secret. Needs a pod mounting the class and the driver's secret-sync RBAC (which
   * `SecretsStoreCsiDriver` installs when a class in the app syncs).
   */
  public syncSecret(options: SyncSecretOptions): SyncedSecret {
    const field = `secretObjects[${this._syncedSecrets.length}]`;
    rules.check(this, `${field}.secretName`, options.secretName, this._syncedSecrets.some(s => s.secretName === options.secretName) ? {
      rule: 'the class already syncs a Secret with this name (the driver would overwrite one with the other)',
      fix: 'merge the data into one syncSecret() call or use another name',
    } : undefined);
    const synced = SyncedSecret._create(this, field, options);
    this._syncedSecrets.push(synced);
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
   * Mounts the class into a workload that is a plain `ApiObject`.
   *
   * @deprecated use `mount()`, which takes every workload
   */
  public mountApiObject(workload: ApiObject, options: MountOptions = {}): void {
    this.mount(workload, options);
  }

  /**
   * A synced Secret that something reads exists only while a pod mounts the class, and only in the
   * class's namespace (the driver writes it in the namespace of the pods that mount the class).
   */
  private validateSyncedSecretUse(): string[] {
    const where = this.namespace === undefined ? 'no namespace' : `namespace "${this.namespace}"`;
    return this._syncedSecrets.flatMap((synced, i) => {
      const field = `secretObjects[${i}].secretName`;
      if (!synced._used) return [];
      if (!this._mounted) {
        return [rules.describeViolation(field, synced.secretName, {
          rule: `the Secret is used (envValue() or secret), but no workload mounts the class "${this.name}", and the driver creates a synced Secret only while a pod mounts the class`,
          fix: `mount the class into the workload that reads the Secret (\`mount(workload)\`), in ${this.namespace === undefined ? 'the class\'s namespace' : where}`,
        })];
      }
      if (synced._envValues.length === 0) return [];
      const consumers = envValueConsumers(this);
      return synced._envValues.flatMap(value => consumers.get(value) ?? [])
        .filter(consumer => consumer.namespace !== this.namespace)
        .map(consumer => rules.describeViolation(field, synced.secretName, {
          rule: `${consumer.scope.node.path} (${consumer.namespace === undefined ? 'no namespace' : `namespace "${consumer.namespace}"`}) reads it through envValue(), but the driver creates it only in ${where}, where the class is mounted`,
          fix: `sync it from a class in the workload's namespace and mount that class into the workload, or move the workload to ${where}`,
        }));
    });
  }

  private mountSource(): MountSource {
    return { scope: this, name: this.name, namespace: this.namespace, identity: this.identity, objects: () => this._objects };
  }

  /** Claims the paths `object` writes, or throws naming the object that already writes there. */
  private claimFile(object: KeyVaultObject, field: string): void {
    const path = object.fileName;
    const segments = path.split('/');
    const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
    const clash = this.files.get(path) ?? this.directories.get(path) ?? ancestors.map(a => this.files.get(a)).find(o => o !== undefined);
    rules.check(this, object.alias === undefined ? `${field}.objectName` : `${field}.alias`, path, clash === undefined ? undefined : {
      rule: `the file "${path}"${object.writesVersionDirectory ? ' (a version directory)' : ''} clashes with "${clash.fileName}"${clash.writesVersionDirectory ? ' (a version directory)' : ''} written by ${clash.objectType} "${clash.objectName}"; the driver would silently keep only one`,
      fix: 'give one of the objects a distinct `alias`',
    });
    this.files.set(path, object);
    for (const ancestor of ancestors) this.directories.set(ancestor, object);
    // A version directory is the object's own: nothing else may be written below it.
    if (object.writesVersionDirectory) this.directories.set(path, object);
  }

  /** Rules that depend on the whole class, checked at synth (objects and syncs may come later). */
  private validateContents(): string[] {
    const errors: string[] = [];
    if (this._objects.length === 0) {
      errors.push(rules.describeViolation('objects', [], {
        rule: 'a class must write at least one object (with none the mount succeeds but is empty)',
        fix: 'pass `objects` or call addObject(KeyVaultObject.secret("name"))',
      }));
    }
    this._syncedSecrets.forEach((synced, i) => synced.data.forEach((d, j) => {
      if (this._objects.some(o => o.writes(d.objectName))) return;
      errors.push(rules.describeViolation(`secretObjects[${i}].data[${j}].objectName`, d.objectName, {
        rule: `the class writes no such file (files: ${this._objects.map(o => o.writesVersionDirectory ? `${o.fileName}/0..${o.versionHistory! - 1}` : o.fileName).join(', ')}); the driver fails the sync with "file matching objectName ... not found in the pod"`,
        fix: 'name an object\'s alias or name, with "/<index>" for objects with versionHistory',
      }));
    }));
    return errors;
  }

  private register(): void {
    const self = this;
    AppRegistry.of(this).classes.push({
      node: this.node,
      tokenAudience: this.identity.tokenAudience,
      identityMode: this.identity.mode,
      cloudEnvironmentFile: this.cloud.environmentFile,
      get syncsSecrets() { return self._syncedSecrets.length > 0; },
    });
  }
}
