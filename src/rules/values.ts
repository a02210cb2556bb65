import type { Door } from './cluster';
import { errorAt, Finding, Violation } from './model';

/**
 * Rules of single values (names, IDs, paths, modes): pure functions that return `undefined` for a
 * valid value, else the rule it breaks and how to fix it.
 */

const KEY_VAULT_NAME = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OBJECT_NAME = /^[A-Za-z0-9-]{1,127}$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A DNS name with at least one dot, e.g. contoso.onmicrosoft.com (a verified domain of a tenant). */
const DOMAIN_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
/** Permission bits (at most 07777), with any number of leading zeros. */
const FILE_MODE = /^0*[0-7]{1,4}$/;
/** What Go's strconv.ParseInt(s, 8, 32) accepts: an optional sign and octal digits (no underscores with a base). */
const OCTAL_INT32 = /^[+-]?[0-7]+$/;
const GO_DURATION = /^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$/; // time.ParseDuration, unsigned
const INT32_MAX = 2147483647;

export function keyVaultName(value: string, field: string, door: Door = 'construct'): Finding | undefined {
  if (KEY_VAULT_NAME.test(value)) return undefined; // even "keyvault-name": a vault may be called that
  const notAValue = placeholder(value, field, door);
  if (notAValue) return errorAt(field, value, { ...notAValue, fix: `${notAValue.fix}: the vault name as in https://<name>.vault.azure.net` });
  return errorAt(field, value, {
    rule: 'a Key Vault name has 3-24 characters (letters, digits, hyphens), starts with a letter, ends with a letter or digit and has no consecutive hyphens',
    fix: 'use the vault name exactly as in https://<name>.vault.azure.net',
  });
}

/**
 * Whether a value is a template placeholder left in place of a real one (`<tenant id>`,
 * `${TENANT_ID}`, `$TENANT_ID`, `{{ .Values.x }}`, `tid`, `xxxxxxxx-xxxx-...`): the provider
 * passes it to Entra ID or Key Vault verbatim and fails at mount.
 */
export function placeholder(value: string, field: string, door: Door = 'construct'): Finding | undefined {
  if (!isPlaceholder(value)) return undefined;
  return errorAt(field, value, {
    rule: 'looks like a placeholder, not a value (the provider sends it to Azure verbatim and the mount fails)',
    fix: door === 'construct'
      ? 'substitute the real value before synth, e.g. read it from process.env or cdk8s context'
      : 'substitute the real value before validating and applying (render the template or run envsubst first)',
  });
}

/** Whether a value is a template placeholder (see `placeholder`). */
export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim();
  const templated = /[<>]|\$\{|\$\(|^\$[A-Za-z_]|\{\{|%[A-Za-z_]+%/.test(trimmed);
  const named = /^(tid|tenant|tenant[-_ ]?id|client[-_ ]?id|app[-_ ]?id|subscription[-_ ]?id|keyvault[-_ ]?name|key[-_ ]?vault[-_ ]?name|vault[-_ ]?name|changeme|todo|tbd)$/i.test(trimmed);
  const masked = /^[xX0-]+$/.test(trimmed) && /[xX]/.test(trimmed);
  return templated || named || masked;
}

/** Whether a value is a GUID. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Any GUID; prefer `clientId` and `tenantId`, whose fixes say where to find the value. */
export function guid(value: string, field: string): Finding | undefined {
  if (GUID.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    fix: 'copy the ID from the Azure portal or `az ... show`',
  });
}

/** The client ID of a managed identity or app registration. */
export function clientId(value: string, field: string, door: Door = 'construct'): Finding | undefined {
  const notAValue = placeholder(value, field, door);
  if (notAValue) return errorAt(field, value, { ...notAValue, fix: `${notAValue.fix}: the client ID from \`az identity show --query clientId\`` });
  if (GUID.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    fix: 'copy the client ID from `az identity show --query clientId` (managed identity) or `az ad app show --query appId` (app registration)',
  });
}

/**
 * The directory (tenant) of the Key Vault: its GUID or a verified domain (Entra accepts both as
 * the authority), or "adfs" for Azure Stack Hub with AD FS.
 */
export function tenantId(value: string, adfsAllowed: boolean, field: string, door: Door = 'construct'): Finding | undefined {
  const fix = 'use the directory (tenant) ID from `az account show --query tenantId`, or a verified domain such as contoso.onmicrosoft.com';
  const notAValue = placeholder(value, field, door);
  if (notAValue) return errorAt(field, value, { ...notAValue, fix: `${notAValue.fix}: ${fix}` });
  if (adfsAllowed && value === 'adfs') return undefined;
  if (GUID.test(value) || DOMAIN_NAME.test(value)) return undefined;
  return errorAt(field, value, {
    rule: adfsAllowed
      ? 'must be a GUID or a verified domain name (e.g. contoso.onmicrosoft.com), or "adfs" for Azure Stack Hub with AD FS'
      : 'must be a GUID or a verified domain name (e.g. contoso.onmicrosoft.com); "adfs" is only valid with AzureCloud.stack',
    fix,
  });
}

export function objectName(value: string, field: string): Finding | undefined {
  if (OBJECT_NAME.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'a Key Vault object name has 1-127 characters: letters, digits and hyphens',
    fix: 'use the secret, key or certificate name as shown in the vault; rename files with `alias`',
  });
}

const PLAIN_PATH = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const DOT_SEGMENT = /(?:^|\/)\.(?:\/|$)/;

/** A file path the driver writes under the mount: the provider's and the driver's checks together. */
export function filePath(value: string, field: string): Finding | undefined {
  // Nearly every name: letters, digits, ".", "_" and "-" in short segments, which pass every check
  // below unless a segment is "." or ".." (synth checks each object's file several times).
  if (value.length <= 255 && PLAIN_PATH.test(value) && !value.includes('..') && !DOT_SEGMENT.test(value)) return undefined;
  const rule = (r: string): Violation => ({ rule: `the file name ${r}`, fix: 'set `alias` to a relative path like "db/password"' });
  if (value.length === 0) return errorAt(field, value, rule('must not be empty'));
  // Absolute as Go's filepath.IsAbs sees it on Linux or Windows nodes ("C:/x", "C:\\x", "\\x"; not "a: b").
  if (value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\')) return errorAt(field, value, rule('must be relative'));
  if (value.includes('\\')) return errorAt(field, value, rule('must use "/" as the separator'));
  if (Buffer.byteLength(value) > 4096) return errorAt(field, value, rule('must be at most 4096 bytes'));
  // The provider's YAML parser (yaml.v3) refuses C0/C1 controls and U+FFFE/U+FFFF, reads NEL, LS
  // and PS as line breaks, and needs valid UTF-8 (no lone surrogates).
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|\p{Cs}/u.test(value)) return errorAt(field, value, rule('must not contain control characters or line breaks'));
  // The provider TrimSpaces every field: " a" would be written to "a" and could clash unseen.
  if (value.trim() !== value) return errorAt(field, value, rule('must not start or end with whitespace (the provider trims it)'));
  for (const segment of value.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return errorAt(field, value, rule('must not contain empty, "." or ".." segments'));
    if (Buffer.byteLength(segment) > 255) return errorAt(field, value, rule('must have segments of at most 255 bytes'));
  }
  // The provider rejects ".." anywhere in the name (strings.Contains), not only as a segment.
  if (value.includes('..')) return errorAt(field, value, rule('must not contain ".." (the provider rejects it anywhere)'));
  return undefined;
}

/**
 * A version to read. Empty means the latest, as omitting it does: the provider passes "" to Key
 * Vault, which returns the current version, and its version history treats "" as "latest"
 * (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L373).
 * "latest" itself is a version name only with a history (see the objects rules).
 */
export function objectVersion(value: string, field: string): Finding | undefined {
  if (value === '' || /^[A-Za-z0-9-]{1,127}$/.test(value)) return undefined;
  return errorAt(field, value, { rule: 'an object version is a Key Vault version ID: 1-127 letters, digits and hyphens', fix: 'copy the version from `az keyvault secret list-versions`, or omit it for the latest' });
}

/**
 * How many versions to write. The provider writes a single version, as `<file>`, for any value up
 * to 1 (`ObjectVersionHistory <= 1`,
 * https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L104-L108):
 * 0 and negatives are not errors, but do nothing (`versionHistoryEffect`).
 */
export function versionHistory(value: number, field: string): Finding | undefined {
  if (Number.isInteger(value) && value >= -INT32_MAX - 1 && value <= INT32_MAX) return undefined;
  return errorAt(field, value, { rule: 'must be an integer of at most 2147483647 (an int32)', fix: 'set the number of versions to write, e.g. 5' });
}

/** A history of 0 or less is read as one version: worth a warning, since it looks like it means something else. */
export function versionHistoryEffect(value: number, field: string): Finding | undefined {
  if (!Number.isInteger(value) || value >= 1) return undefined;
  return {
    field,
    value,
    severity: 'warning',
    rule: 'the provider writes a single version (to the file itself, no version directory) for any objectVersionHistory up to 1',
    fix: 'remove it for the current version only, or set 2 or more to write a version directory',
  };
}

const INT32_MIN = -2147483648;

/**
 * A file mode as the provider parses it: `strconv.ParseInt(value, 8, 32)`, so "644", "0644",
 * "00644" and "0" are valid; a value that does not parse is ignored and the file is written with
 * mode 0 (https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/types/parameters.go#L133-L144
 * and the ignored error at https://github.com/Azure/secrets-store-csi-driver-provider-azure/blob/4927a15410506c6a8a52af68db08cf72aa1e10ab/pkg/provider/provider.go#L331-L332).
 */
export function filePermission(value: string, field: string): Finding | undefined {
  const parsed = OCTAL_INT32.exec(value);
  const number = parsed ? parseInt(value, 8) : NaN;
  if (parsed && number >= INT32_MIN && number <= INT32_MAX) return undefined;
  return errorAt(field, value, { rule: 'must be an octal number (the provider parses it with strconv.ParseInt(value, 8, 32), ignores the error and writes the file with mode 0)', fix: 'use e.g. "0644" or "0440"' });
}

/** A mode that parses but holds more than permission bits (a sign, or above 07777): worth a warning. */
export function filePermissionBits(value: string, field: string): Finding | undefined {
  if (filePermission(value, field) !== undefined || FILE_MODE.test(value)) return undefined;
  return { field, value, severity: 'warning', rule: 'parses as an octal number but is not a file mode (a sign, or bits above 07777)', fix: 'use 3 or 4 octal digits, e.g. "0644" or "0440"' };
}

export function dns1123Subdomain(value: string, field: string): Finding | undefined {
  if (value.length <= 253 && DNS1123_SUBDOMAIN.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'a Kubernetes object name is a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
    fix: 'use a name like "app-secrets"',
  });
}

export function dns1123Label(value: string, field: string): Finding | undefined {
  if (value.length <= 63 && DNS1123_LABEL.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be a DNS-1123 label: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
    fix: 'use a name like "secrets-store"',
  });
}

/** Kubernetes' rule for Secret and ConfigMap data keys (IsConfigMapKey). */
export function secretKey(value: string, field: string): Finding | undefined {
  if (/^[-._a-zA-Z0-9]{1,253}$/.test(value) && value !== '.' && value !== '..' && !value.startsWith('..')) return undefined;
  return errorAt(field, value, {
    rule: 'a Secret key has at most 253 letters, digits, "-", "_" and ".", and is not "." or ".." and does not start with ".."',
    fix: 'use a key such as "password" or "tls.crt"',
  });
}

/** A Kubernetes label key or annotation key: a qualified name `[prefix/]name`, prefix a DNS subdomain. */
function qualifiedName(value: string): boolean {
  const slash = value.indexOf('/');
  return QUALIFIED_NAME.test(value) && (slash < 0 || slash <= 253);
}

/** A Kubernetes label key (`[prefix/]name`). */
export function labelKey(value: string, field: string): Finding | undefined {
  if (qualifiedName(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be a label key "[prefix/]name": name up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit; prefix a DNS subdomain',
    fix: 'use e.g. "app" or "example.com/team"',
  });
}

/** A Kubernetes annotation key: the same qualified-name rule as label keys. */
export function annotationKey(value: string, field: string): Finding | undefined {
  if (qualifiedName(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be an annotation key "[prefix/]name": name up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit; prefix a DNS subdomain',
    fix: 'use e.g. "prometheus.io/scrape" or "example.com/owner"',
  });
}

/** A Kubernetes label value (may be empty). */
export function labelValue(value: string, field: string): Finding | undefined {
  if (LABEL_VALUE.test(value)) return undefined;
  return errorAt(field, value, {
    rule: 'must be a label value: up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    fix: 'use e.g. "web" or "v1.2"',
  });
}

/** The aad-pod-identity selector: a non-empty label value (the pod label `aadpodidbinding`). */
export function podIdentitySelector(value: string, field: string): Finding | undefined {
  const violation = value === '' ? { rule: 'must be a non-empty label value', fix: '' } : labelValue(value, field);
  return errorAt(field, value, violation && { rule: `${violation.rule} (it becomes the pod label aadpodidbinding)`, fix: 'use the AzureIdentityBinding selector exactly' });
}

export function goDuration(value: string, field: string): Finding | undefined {
  if (GO_DURATION.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be a Go duration', fix: 'use e.g. "2m", "90s" or "1h30m"' });
}

/** A container path for a mount: absolute, Linux or Windows. */
export function mountPath(value: string, field: string): Finding | undefined {
  if (value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)) return undefined;
  return errorAt(field, value, { rule: 'must be an absolute path', fix: 'use e.g. "/mnt/secrets-store"' });
}
