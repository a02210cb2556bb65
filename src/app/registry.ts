import { IConstruct } from 'constructs';
import { checkRendered, RenderedFinding, RenderedOwner } from './rendered-check';
import { watchSynthCalls } from './served-manifests';
import { CLUSTER_CONTEXT_KEY } from '../facts/constants';
import { IdentityMode } from '../facts/identity-mode';
import { ObjectEntry } from '../rules/model';

/**
 * @internal
 * What the app-wide checks and derived settings need to know about a SecretProviderClass.
 */
export interface RegisteredClass {
  readonly node: IConstruct['node'];
  /** Service-account token audience the class's identity needs, if any. */
  readonly tokenAudience?: string;
  /** Whether the class syncs at least one Kubernetes Secret. */
  readonly syncsSecrets: boolean;
  /** How the class signs in (identity binding needs provider v1.8.0+, pod identity the host network). */
  readonly identityMode: IdentityMode;
  /** In-provider path of the custom cloud environment file, if any. */
  readonly cloudEnvironmentFile?: string;
  /** Name of the Key Vault the class reads (`AzureAccess` grants on it). */
  readonly keyVaultName: string;
  /** Client ID of the identity (identity binding, workload identity, user-assigned VM identity), if any. */
  readonly clientId?: string;
  /** The objects the class reads, as the provider reads them (complete at synth). */
  readonly objects: readonly ObjectEntry[];
}

/**
 * @internal
 * What the app-wide checks need to know about a `SecretsStoreCsiDriver`.
 */
export interface RegisteredDriver {
  readonly node: IConstruct['node'];
  /** The cluster the driver installs into (see `AppRegistry.clusterOf`). */
  readonly cluster: string;
  /** Directories the Linux driver searches for provider sockets; none when it installs no Linux DaemonSet. */
  readonly linuxProvidersDirs?: string[];
  /** Directories the Windows driver searches for provider sockets; none when it installs no Windows DaemonSet. */
  readonly windowsProvidersDirs?: string[];
}

/**
 * @internal
 * What the app-wide checks need to know about an `AzureKeyVaultProvider`.
 */
export interface RegisteredProvider {
  readonly node: IConstruct['node'];
  /** The cluster the provider installs into (see `AppRegistry.clusterOf`). */
  readonly cluster: string;
  /** Provider release, e.g. `v1.8.2`. */
  readonly version: string;
  /** Host directory of the Linux provider socket; none when it installs no Linux DaemonSet. */
  readonly linuxProvidersDir?: string;
  /** Host directory of the Windows provider socket; none when it installs no Windows DaemonSet. */
  readonly windowsProvidersDir?: string;
  /** In-container path of the mounted custom cloud environment file, if any. */
  readonly cloudEnvironmentFile?: string;
  /** `dnsPolicy` of the Linux pod, if set. */
  readonly dnsPolicy?: string;
  /** Whether the Linux pod uses the host network. */
  readonly hostNetwork: boolean;
  /** Whether the provider writes `<file>.crt` and `<file>.key` for certificate-backed secrets. */
  readonly writeCertAndKeyInSeparateFiles?: boolean;
}

/** @internal A federated identity credential subject a workload identity needs. */
export interface FederatedSubject {
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * @internal
 * Per-app bookkeeping, filled as constructs are created and mounted, so that app-wide derived
 * settings and checks read a list instead of scanning the construct tree (fleet-scale apps have
 * tens of thousands of constructs).
 */
export class AppRegistry {
  public static of(scope: IConstruct): AppRegistry {
    const root = scope.node.root;
    let registry = REGISTRIES.get(root);
    if (!registry) {
      registry = new AppRegistry(root);
      REGISTRIES.set(root, registry);
    }
    return registry;
  }

  /** The cluster a construct deploys to: the context key, or one unnamed cluster per app. */
  public static clusterOf(scope: IConstruct): string {
    return AppRegistry.clusterOfNode(scope.node);
  }

  /** The cluster of a construct, from its node (for registered entries that keep only the node). */
  public static clusterOfNode(node: IConstruct['node']): string {
    const cluster = node.tryGetContext(CLUSTER_CONTEXT_KEY);
    return cluster === undefined ? '' : String(cluster);
  }

  /** Every `KeyVaultSecretProviderClass` in the app, in creation order. */
  public readonly classes: RegisteredClass[] = [];

  /** Every `SecretsStoreCsiDriver` in the app, in creation order. */
  public readonly drivers: RegisteredDriver[] = [];

  /** Every `AzureKeyVaultProvider` in the app, in creation order. */
  public readonly providers: RegisteredProvider[] = [];

  /** Federated subjects per workload-identity client ID, keyed by cluster/namespace/ServiceAccount. */
  public readonly federatedSubjects = new Map<string, Map<string, FederatedSubject>>();

  /** Identity binding constructs per `cluster` + client ID (one ClusterRole name per cluster). */
  public readonly identityBindings = new Map<string, IConstruct>();

  /** SecretProviderClasses per `cluster` + namespace + name: two would replace each other on apply. */
  public readonly classNames = new Map<string, IConstruct>();

  /** The app's `AzureAccess`, if any (one per app: it derives from the whole app). */
  public azureAccess?: IConstruct;

  /** Library constructs whose rendered objects are checked at synth (see rendered-check.ts). */
  private readonly rendered: RenderedOwner[] = [];
  private renderedFindings = new Map<IConstruct, RenderedFinding[]>();
  /** Work that needs the finished app (see `defer`), in the order it was deferred. */
  private readonly deferred: (() => void)[] = [];
  /** Work run once per generation at settle, before the rendered check (derived objects): idempotent. */
  private readonly settleHooks: (() => void)[] = [];
  /**
   * Bumped by every change the library sees (see DESIGN.md, "Synth: what happens when"): the settle
   * hooks and the rendered check run once per generation.
   */
  private generation = 0;
  private hookedGeneration = -1;
  private checkedGeneration = -1;
  /**
   * Bumped by every change and by every settle that did work: what the validations read may differ
   * from the last time. `addValidation`'s checks run again only when it moved.
   */
  private epoch = 0;
  private validatedEpoch = -1;
  /** The library's checks (see `addValidation`), in the order they were added. */
  private readonly checks: { readonly scope: IConstruct; readonly compute: () => string[] }[] = [];
  /** What the last run of the checks found, per construct. */
  private messages = new Map<IConstruct, string[]>();
  /** Constructs given the validation that reports their messages. */
  private readonly reporting = new Set<IConstruct>();
  private settlesOnValidation = false;

  private constructor(private readonly root: IConstruct) {}

  /**
   * Defers `work` until the app is complete: the first validation of `app.synth()` /
   * `Testing.synth()`, or an earlier `settle()`. Mounts use it to read the pod template as it ends
   * up (containers and ServiceAccounts set after `mount()`).
   */
  public defer(work: () => void): void {
    this.deferred.push(work);
    this.changed();
  }

  /**
   * Runs `hook` at settle, after the deferred work and before the rendered check, once per
   * generation (the hook reads what the library records, which changes only with it): for objects
   * derived from the whole app (the driver's sync RBAC), which must exist before the check.
   */
  public onSettle(hook: () => void): void {
    this.settleHooks.push(hook);
    this.changed();
  }

  /**
   * Adds a check whose messages cdk8s reports on `scope` at synth. The checks run in the root's
   * validation, after settling, once per epoch: cdk8s validates the app again for every chart it
   * writes, and later passes over an unchanged app cost nothing here. Only a construct with
   * messages gets a validation (the one that reports them), so a clean construct costs cdk8s's
   * per-pass walk nothing either. `compute` must read only what the library records, never the clock.
   */
  public addValidation(scope: IConstruct, compute: () => string[]): void {
    this.checks.push({ scope, compute });
    this.changed();
  }

  /** Checks the construct's rendered objects at synth; `findingsOf(scope)` returns what the check found. */
  public checkRenderedObjects(owner: RenderedOwner): void {
    this.rendered.push(owner);
    watchSynthCalls(owner.scope); // what the check renders is served to cdk8s within the synth call
    this.changed();
  }

  /** What the rendered check found in a construct's objects (empty before synth). */
  public findingsOf(scope: IConstruct): readonly RenderedFinding[] {
    return this.renderedFindings.get(scope) ?? [];
  }

  /** Records that the app changed in a way the library's synth-time work depends on. */
  public changed(): void {
    this.generation++;
    this.epoch++;
    if (this.settlesOnValidation) return;
    this.settlesOnValidation = true;
    // On the root, because cdk8s validates the tree in pre-order: the root's validation runs before
    // every other one, so those read settled mounts (grants, federated subjects) and the rendered
    // check. Validation is also the last moment constructs can still be added (grants may create
    // RBAC objects), and cdk8s runs it before it serializes any chart.
    this.root.node.addValidation({ validate: () => { this.settle(); this.runChecks(); return NO_MESSAGES; } });
  }

  /**
   * Runs the deferred work (each item once) and the settle hooks (once per generation); when
   * synthesizing, then checks the rendered objects (once per generation: cdk8s validates the app
   * again for every chart, and later passes cost O(1) here). Call it before reading what mounts
   * record.
   *
   * @param synthesizing whether cdk8s is validating the app right before it writes it (true from a
   * validation): only then are the rendered objects checked
   */
  public settle(synthesizing = true): void {
    let worked = false;
    if (this.deferred.length) {
      worked = true;
      for (const work of this.deferred.splice(0)) work();
    }
    if (this.hookedGeneration !== this.generation) {
      worked = true;
      const generation = this.generation;
      for (const hook of this.settleHooks) hook();
      this.hookedGeneration = generation; // hooks that changed something run again at the next settle
    }
    if (synthesizing && this.checkedGeneration !== this.generation) {
      worked = true;
      this.checkedGeneration = this.generation;
      this.renderedFindings = checkRendered(this.rendered, () => this.changed());
    }
    if (worked) this.epoch++;
  }

  /**
   * Runs the checks if the epoch moved, and gives each construct with messages the validation that
   * reports them (in the root's validation: cdk8s validates in pre-order, so it reports them in
   * this very pass).
   */
  private runChecks(): void {
    if (this.validatedEpoch === this.epoch) return;
    const messages = new Map<IConstruct, string[]>();
    for (const { scope, compute } of this.checks) {
      const found = compute();
      if (found.length === 0) continue;
      messages.set(scope, [...messages.get(scope) ?? [], ...found]);
      if (this.reporting.has(scope)) continue;
      this.reporting.add(scope);
      scope.node.addValidation({ validate: () => this.messages.get(scope) ?? NO_MESSAGES });
    }
    this.messages = messages;
    this.validatedEpoch = this.epoch;
  }

  /** Records a federated subject; returns whether the client ID was seen for the first time. */
  public addFederatedSubject(clientId: string, subject: FederatedSubject): boolean {
    let subjects = this.federatedSubjects.get(clientId);
    const first = subjects === undefined;
    if (!subjects) {
      subjects = new Map();
      this.federatedSubjects.set(clientId, subjects);
    }
    subjects.set(`${subject.cluster}\u0000${subject.namespace}\u0000${subject.serviceAccount}`, subject);
    return first;
  }
}

const REGISTRIES = new WeakMap<IConstruct, AppRegistry>();
const NO_MESSAGES: string[] = [];
