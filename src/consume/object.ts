import { IConstruct } from 'constructs';
import { check, checkFindings } from '../app/errors';
import { error, Finding, ObjectEntry, objectEntry } from '../rules/model';
import { checkObject, fileOf, filesWritten, partWritten, versionCount } from '../rules/objects';
import * as types from '../rules/types';

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
    return fileOf(this._entry());
  }

  /** Whether several versions are written, as `<fileName>/<index>`. */
  public get writesVersionDirectory(): boolean {
    return versionCount(this._entry()) > 0;
  }

  /**
   * The files the provider writes for this object, relative to the mount (without the `.crt` and
   * `.key` files a provider with `writeCertAndKeyInSeparateFiles` adds for certificate-backed secrets).
   */
  public get files(): string[] {
    return filesWritten(this._entry());
  }

  /** Whether `path` (e.g. a synced Secret's `objectName`) is a file this object writes (see `files`). */
  public writes(path: string): boolean {
    return partWritten(this._entry(), path) !== undefined;
  }

  /** @internal The object as the provider reads it (src/rules/model.ts). */
  public _entry(): ObjectEntry {
    return objectEntry(this.objectName, this.objectType, this);
  }

  /** @internal Checks every field; `field` names the object in messages (e.g. "objects[2]"). */
  public _validate(scope: IConstruct, field: string): void {
    check(scope, [
      types.requiredString(this.objectName, `${field}.objectName`, 'secret1'),
      types.optionalString(this.alias, `${field}.alias`, 'db/password'),
      types.optionalString(this.version, `${field}.version`, '0123456789abcdef0123456789abcdef'),
      types.optionalNumber(this.versionHistory, `${field}.versionHistory`, 5),
      octalModeAsString(this.filePermission, `${field}.filePermission`),
      types.optionalEnum(this.format, `${field}.format`, FORMATS, 'ObjectFormat.PEM'),
      types.optionalEnum(this.encoding, `${field}.encoding`, ENCODINGS, 'ObjectEncoding.BASE64'),
    ]);
    checkFindings(scope, checkObject(this._entry(), field), objectField);
  }

  /** @internal This object as one entry of the `objects` array: a YAML document with only the fields set, each line indented by `indent`. */
  public _render(indent = ''): string {
    const lines = [`objectName: ${yamlString(this.objectName)}`];
    if (this.alias !== undefined) lines.push(`objectAlias: ${yamlString(this.alias)}`);
    lines.push(`objectType: ${this.objectType}`);
    if (this.version !== undefined) lines.push(`objectVersion: ${yamlString(this.version)}`);
    if (this.versionHistory !== undefined) lines.push(`objectVersionHistory: ${this.versionHistory}`); // int32: never quoted
    if (this.format !== undefined) lines.push(`objectFormat: ${this.format}`);
    if (this.encoding !== undefined) lines.push(`objectEncoding: ${this.encoding}`);
    if (this.filePermission !== undefined) lines.push(`filePermission: "${this.filePermission}"`); // octal: always quoted
    return indent + lines.join(`\n${indent}`);
  }
}

/**
 * The `objects` parameter in the exact shape the provider parses: a YAML mapping whose `array`
 * is a list of literal-block strings, each one object's YAML document.
 */
export function renderObjects(objects: readonly KeyVaultObject[]): string {
  let rendered = 'array:\n';
  for (const object of objects) rendered += `  - |\n${object._render('    ')}\n`;
  return rendered;
}

const FORMATS: readonly string[] = Object.values(ObjectFormat);
const ENCODINGS: readonly string[] = Object.values(ObjectEncoding);

const PLAIN_SCALAR = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const YAML_KEYWORD = /^(true|false|yes|no|on|off|y|n|null)$/i;

/** A string as a YAML scalar that every YAML parser reads back as the same string. */
const PROP_OF_KEY: Record<string, string> = {
  objectAlias: 'alias', objectVersion: 'version', objectVersionHistory: 'versionHistory', objectFormat: 'format', objectEncoding: 'encoding',
};

/** A model field (`objects[0].objectAlias`) as the construct's prop (`objects[0].alias`) in messages. */
export function objectField(field: string): string {
  return field.replace(/\.(object[A-Za-z]+)$/, (whole, key: string) => PROP_OF_KEY[key] ? `.${PROP_OF_KEY[key]}` : whole);
}

function yamlString(value: string): string {
  return PLAIN_SCALAR.test(value) && !YAML_KEYWORD.test(value) ? value : JSON.stringify(value);
}

/**
 * `filePermission` is octal text: a number (e.g. JavaScript's 0o644, which is 420) is rejected
 * rather than guessed, and the fix names the quoted mode.
 */
function octalModeAsString(value: unknown, field: string): Finding | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) {
    return error(field, value, 'must be a string of octal digits; a number is ambiguous (0o644 arrives as 420)', `quote the octal mode: "${value.toString(8).padStart(4, '0')}"`);
  }
  return types.optionalString(value, field, '0440');
}
