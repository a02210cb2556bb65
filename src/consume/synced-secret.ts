import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { forgetEnvValueConsumers } from './synced-secret-consumers';
import { check, checkFindings } from '../app/errors';
import { AppRegistry } from '../app/registry';
import { SecretObjectEntry } from '../rules/model';
import { checkSecretObject, syncedKeyExists } from '../rules/sync';
import * as types from '../rules/types';

/** Type of a Kubernetes Secret synced from mounted Key Vault objects. */
export enum SyncedSecretType {
  /** Arbitrary keys. */
  OPAQUE = 'Opaque',
  /**
   * TLS: exactly the keys `tls.crt` and `tls.key`. Sync both from a certificate's secret
   * (`KeyVaultObject.secret`): the driver takes the certificates for `tls.crt` and the private key
   * for `tls.key` from its PEM, or from a binary PFX (`format: PFX` needs `encoding: BASE64`). A
   * `key` object (public key only) cannot provide either, a `certificate` object (leaf, no private
   * key) only `tls.crt`.
   */
  TLS = 'kubernetes.io/tls',
  /** Registry credentials: the key `.dockerconfigjson`. */
  DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson',
  /** Basic authentication: the keys `username` and/or `password`. */
  BASIC_AUTH = 'kubernetes.io/basic-auth',
  /** SSH authentication: the key `ssh-privatekey`. */
  SSH_AUTH = 'kubernetes.io/ssh-auth',
}

/** One key of a synced Secret. */
export interface SyncedSecretData {
  /** Key in the Kubernetes Secret. */
  readonly key: string;
  /**
   * File the class writes, relative to the mount: an object's alias or name, `<file>/<index>`
   * for objects with `versionHistory`, or `<file>.crt`/`<file>.key` of a certificate's secret when
   * the cluster's `AzureKeyVaultProvider` sets `writeCertAndKeyInSeparateFiles`.
   */
  readonly objectName: string;
}

/** Options for `KeyVaultSecretProviderClass.syncSecret`. */
export interface SyncSecretOptions {
  /** Name of the Kubernetes Secret, created in the namespace of the pods that mount the class. */
  readonly secretName: string;
  /** Type of the Secret; decides which keys are allowed. */
  readonly type: SyncedSecretType;
  /** The Secret's keys and the files they come from. */
  readonly data: SyncedSecretData[];
  /**
   * Labels of the Secret (the driver adds `secrets-store.csi.k8s.io/managed: "true"`).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Secret.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * A Kubernetes Secret the driver keeps in sync with files of a mounted class (a `secretObjects`
 * entry). The Secret exists only while a pod mounts the class, in that pod's namespace.
 */
export class SyncedSecret {
  /** @internal Created by `KeyVaultSecretProviderClass.syncSecret`. */
  public static _create(scope: Construct, field: string, options: SyncSecretOptions): SyncedSecret {
    return new SyncedSecret(scope, field, options);
  }

  /** Name of the Kubernetes Secret. */
  public readonly secretName: string;
  /** Type of the Kubernetes Secret. */
  public readonly type: SyncedSecretType;
  /** @internal Whether `secret` or `envValue()` was used: the Secret then needs a mount of the class. */
  public _used = false;
  /** @internal The values `envValue()` handed out: their workloads must be in the class's namespace. */
  public readonly _envValues: kplus.EnvValue[] = [];

  private readonly options: SyncSecretOptions;
  private readonly _secret: kplus.ISecret;

  private constructor(scope: Construct, field: string, options: SyncSecretOptions) {
    this.options = options;
    check(scope, optionTypes(options, field));
    checkFindings(scope, checkSecretObject(this._toSecretObject(), field));
    this.secretName = options.secretName;
    this.type = options.type;
    this._secret = kplus.Secret.fromSecretName(scope, `SyncedSecret-${options.secretName}`, options.secretName);
  }

  /** The Secret as a cdk8s-plus reference, for volumes, env and RBAC (mount the class too). */
  public get secret(): kplus.ISecret {
    if (!this._used) AppRegistry.of(this._secret).changed(); // the class's checks read it
    this._used = true;
    return this._secret;
  }

  /** The Secret's keys and the files they come from. */
  public get data(): SyncedSecretData[] {
    return [...this.options.data];
  }

  /**
   * A container environment value read from one key of the synced Secret. The Secret only exists
   * while a pod in the namespace mounts the class, so mount it into the same pod.
   */
  public envValue(key: string, options: kplus.EnvValueFromSecretOptions = {}): kplus.EnvValue {
    check(this._secret, syncedKeyExists(key, this.options.data.map(d => d.key), this.secretName, 'key'));
    const value = kplus.EnvValue.fromSecretValue({ secret: this.secret, key }, options); // marks the Secret used
    this._envValues.push(value);
    forgetEnvValueConsumers(this._secret);
    AppRegistry.of(this._secret).changed();
    return value;
  }

  /** @internal The `secretObjects` entry, as the driver reads it (src/rules/model.ts). */
  public _toSecretObject(): SecretObjectEntry {
    return {
      secretName: this.options.secretName,
      type: this.options.type,
      labels: this.options.labels,
      annotations: this.options.annotations,
      data: this.options.data.map(d => ({ objectName: d.objectName, key: d.key })),
    };
  }
}

/** The options as untyped callers may pass them (JavaScript, jsii languages). */
function optionTypes(options: SyncSecretOptions, field: string) {
  const data: unknown = options?.data;
  return [
    types.required(options, field, '{ secretName, type, data }'),
    types.requiredString(options?.secretName, `${field}.secretName`, 'app-secrets'),
    types.required(options?.type, `${field}.type`, 'SyncedSecretType.OPAQUE')
      ?? types.optionalEnum(options?.type, `${field}.type`, Object.values(SyncedSecretType), 'SyncedSecretType.OPAQUE'),
    types.required(data, `${field}.data`, '[{ key: "password", objectName: "db-password" }]')
      ?? types.optionalList(data, `${field}.data`, '{ key, objectName }'),
    ...(Array.isArray(data) ? data.flatMap((d: any, i) => [
      types.requiredString(d?.key, `${field}.data[${i}].key`, 'password'),
      types.requiredString(d?.objectName, `${field}.data[${i}].objectName`, 'db-password'),
    ]) : []),
    types.optionalStringMap(options?.labels, `${field}.labels`, 'app: "web"'),
    types.optionalStringMap(options?.annotations, `${field}.annotations`, 'owner: "team-a"'),
  ];
}
