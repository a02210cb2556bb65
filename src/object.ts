import { IConstruct } from 'constructs';
import * as rules from './validation';

/** The kind of Key Vault object, as the provider's `objectType`. */
export enum ObjectType {
  /** A secret (also the private key and chain of a certificate). */
  SECRET = 'secret',
  /** The public key of a key, as PEM. */
  KEY = 'key',
  /** The public certificate of a certificate (leaf only, no key). */
  CERTIFICATE = 'cert',
}

/** How a certificate-backed secret is written (`objectFormat`). */
export enum ObjectFormat {
  /** PEM: private key, then the certificate chain (the provider's default). */
  PEM = 'pem',
  /** The PFX as stored (base64 unless `encoding: BASE64` decodes it to binary). */
  PFX = 'pfx',
}

/** How a secret's value is decoded before it is written (`objectEncoding`). */
export enum ObjectEncoding {
  /** Written as is (the provider's default). */
  UTF8 = 'utf-8',
  /** Hex-decoded before writing. */
  HEX = 'hex',
  /** Base64-decoded before writing (e.g. a binary .pfx). */
  BASE64 = 'base64',
}

/** Options for every Key Vault object. */
export interface KeyVaultObjectOptions {
  /**
   * File name (relative path) to write the object to (`objectAlias`).
   *
   * @default - the object name
   */
  readonly alias?: string;

  /**
   * Version to read (`objectVersion`); with `versionHistory`, the newest version to start from.
   *
   * @default - the latest version
   */
  readonly version?: string;

  /**
   * Number of versions to write (`objectVersionHistory`): more than 1 writes `<file>/0` (newest)
   * to `<file>/N-1`. Needs the Key Vault `list` permission.
   *
   * @default - only the current version, written to `<file>`
   */
  readonly versionHistory?: number;

  /**
   * Octal file mode of the written file(s) (`filePermission`), e.g. "0440".
   *
   * @default - the driver's default, 0644
   */
  readonly filePermission?: string;
}

/** Options for Key Vault secrets. */
export interface KeyVaultSecretOptions extends KeyVaultObjectOptions {
  /**
   * Format of a certificate-backed secret (`objectFormat`).
   *
   * @default - PEM
   */
  readonly format?: ObjectFormat;

  /**
   * Decoding applied to the secret's value before writing (`objectEncoding`).
   *
   * @default - UTF-8 (written as is)
   */
  readonly encoding?: ObjectEncoding;
}

/**
 * A Key Vault secret, key or certificate to write into the mount: one entry of the
 * SecretProviderClass `objects` parameter.
 */
export class KeyVaultObject {
  /** A secret: its value, or the private key and chain of a certificate. */
  public static secret(name: string, options: KeyVaultSecretOptions = {}): KeyVaultObject {
    return new KeyVaultObject(name, ObjectType.SECRET, options);
  }

  /** A key: its public key as PEM. */
  public static key(name: string, options: KeyVaultObjectOptions = {}): KeyVaultObject {
    return new KeyVaultObject(name, ObjectType.KEY, options);
  }

  /** A certificate: the public (leaf) certificate as PEM, without key or chain. */
  public static certificate(name: string, options: KeyVaultObjectOptions = {}): KeyVaultObject {
    return new KeyVaultObject(name, ObjectType.CERTIFICATE, options);
  }

  /** Name of the object in the vault. */
  public readonly objectName: string;
  /** Kind of object. */
  public readonly objectType: ObjectType;
  /** @default - the object name */
  public readonly alias?: string;
  /** @default - the latest version */
  public readonly version?: string;
  /** @default - only the current version */
  public readonly versionHistory?: number;
  /** @default - the driver's default, 0644 */
  public readonly filePermission?: string;
  /** @default - PEM */
  public readonly format?: ObjectFormat;
  /** @default - UTF-8 */
  public readonly encoding?: ObjectEncoding;

  private constructor(name: string, type: ObjectType, options: KeyVaultSecretOptions) {
    this.objectName = name;
    this.objectType = type;
    this.alias = options.alias;
    this.version = options.version;
    this.versionHistory = options.versionHistory;
    this.filePermission = options.filePermission;
    this.format = options.format;
    this.encoding = options.encoding;
  }

  /** The file (relative to the mount) the object is written to: the alias, else the name. */
  public get fileName(): string {
    return this.alias ?? this.objectName;
  }

  /** Whether several versions are written, as `<fileName>/<index>`. */
  public get writesVersionDirectory(): boolean {
    return (this.versionHistory ?? 0) > 1;
  }

  /** The files the provider writes for this object, relative to the mount. */
  public get files(): string[] {
    if (!this.writesVersionDirectory) return [this.fileName];
    return Array.from({ length: this.versionHistory! }, (_, index) => `${this.fileName}/${index}`);
  }

  /** Whether `path` (e.g. a synced Secret's `objectName`) is a file this object writes. */
  public writes(path: string): boolean {
    if (!this.writesVersionDirectory) return path === this.fileName;
    const prefix = `${this.fileName}/`;
    if (!path.startsWith(prefix)) return false;
    const index = path.slice(prefix.length);
    return /^(0|[1-9][0-9]*)$/.test(index) && Number(index) < this.versionHistory!;
  }

  /** @internal Checks every field; `field` names the object in messages (e.g. "objects[2]"). */
  public _validate(scope: IConstruct, field: string): void {
    rules.check(scope, `${field}.objectName`, this.objectName, rules.objectName(this.objectName));
    const fileField = this.alias === undefined ? `${field}.objectName` : `${field}.alias`;
    rules.check(scope, fileField, this.fileName, rules.filePath(this.fileName));
    // A version directory's files too: "a:" alone is fine, "a:/0" is absolute on Windows nodes.
    if (this.writesVersionDirectory) rules.check(scope, fileField, this.fileName, rules.filePath(`${this.fileName}/0`));
    if (this.version !== undefined) rules.check(scope, `${field}.version`, this.version, rules.objectVersion(this.version));
    if (this.versionHistory !== undefined) rules.check(scope, `${field}.versionHistory`, this.versionHistory, rules.versionHistory(this.versionHistory));
    if (this.filePermission !== undefined) rules.check(scope, `${field}.filePermission`, this.filePermission, rules.filePermission(this.filePermission));
    if (this.objectType !== ObjectType.SECRET) {
      // Reachable from JavaScript or other jsii languages, where option types are not enforced.
      for (const [option, value] of [['format', this.format], ['encoding', this.encoding]] as const) {
        rules.check(scope, `${field}.${option}`, value, value === undefined ? undefined : {
          rule: `${option} applies only to secrets, and this is a ${this.objectType} (the provider rejects the object at mount)`,
          fix: `read the certificate's secret with KeyVaultObject.secret("${this.objectName}", { ${option} }) or drop ${option}`,
        });
      }
    }
    for (const [option, value, allowed] of [['format', this.format, ObjectFormat], ['encoding', this.encoding, ObjectEncoding]] as const) {
      const values: string[] = Object.values(allowed);
      rules.check(scope, `${field}.${option}`, value, value === undefined || values.includes(value) ? undefined : {
        rule: `must be one of ${values.map(v => JSON.stringify(v)).join(', ')}`,
        fix: `use the ${option === 'format' ? 'ObjectFormat' : 'ObjectEncoding'} enum`,
      });
    }
  }

  /** @internal This object as one entry of the `objects` array: a YAML document with only the fields set. */
  public _render(): string {
    const lines = [`objectName: ${yamlString(this.objectName)}`];
    if (this.alias !== undefined) lines.push(`objectAlias: ${yamlString(this.alias)}`);
    lines.push(`objectType: ${this.objectType}`);
    if (this.version !== undefined) lines.push(`objectVersion: ${yamlString(this.version)}`);
    if (this.versionHistory !== undefined) lines.push(`objectVersionHistory: ${this.versionHistory}`); // int32: never quoted
    if (this.format !== undefined) lines.push(`objectFormat: ${this.format}`);
    if (this.encoding !== undefined) lines.push(`objectEncoding: ${this.encoding}`);
    if (this.filePermission !== undefined) lines.push(`filePermission: "${this.filePermission}"`); // octal: always quoted
    return lines.join('\n');
  }
}

/**
 * The `objects` parameter in the exact shape the provider parses: a YAML mapping whose `array`
 * is a list of literal-block strings, each one object's YAML document.
 */
export function renderObjects(objects: readonly KeyVaultObject[]): string {
  const entries = objects.map(object => `  - |\n${object._render().replace(/^/gm, '    ')}\n`);
  return `array:\n${entries.join('')}`;
}

const PLAIN_SCALAR = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const YAML_KEYWORD = /^(true|false|yes|no|on|off|y|n|null)$/i;

/** A string as a YAML scalar that every YAML parser reads back as the same string. */
function yamlString(value: string): string {
  return PLAIN_SCALAR.test(value) && !YAML_KEYWORD.test(value) ? value : JSON.stringify(value);
}
