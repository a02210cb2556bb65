import { IConstruct, IValidation, Node } from 'constructs';

/**
 * The library's validations, answered once per synth rather than once per chart.
 *
 * cdk8s validates the whole app before it writes anything and again for every chart it writes
 * (`Chart.toJson()` → `App._synthChart()` → `validate(app)`), so an app of 1,000 charts runs every
 * validation 1,001 times. A library validation computes its messages once per registry epoch (see
 * `AppRegistry.addValidation`) and answers later passes from that result.
 *
 * What remains per pass is cdk8s-core's call into each construct (`node.validate()` → `flatMap`
 * over the node's validations), which on a construct with a validation costs several times what it
 * costs on one without: the calls, and reading per-node state from all over the heap. So a node
 * whose validations are all the library's answers `node.validate()` itself, with exactly what
 * constructs' `validate()` would return (the messages of its validations, in the order they were
 * added, in a fresh array), and once every such node in the process has been found without
 * messages since the last change, each answers `[]` from two numbers alone (`cleanEpoch`). A node
 * that has any other validation keeps constructs' own `validate()`.
 */

/** Something that knows whether what the validations read may have changed since a number it handed out. */
export interface ValidationEpoch {
  /** Bumped whenever what the validations read may have changed. */
  readonly _epoch: number;
}

/** Bumped whenever any app's epoch is (see `epochChanged`). */
let processEpoch = 0;
/** `processEpoch` at which every answering node was found without messages: they answer `[]` then. */
let cleanEpoch = -1;
/** Nodes that answer `validate()` themselves, and how many of them were found clean at `countedEpoch`. */
let answering = 0;
let cleanCount = 0;
let countedEpoch = -1;

/** Called by a registry whenever its epoch changes: every answering node must look again. */
export function epochChanged(): void {
  processEpoch++;
}

/**
 * A validation answering from its last result while the epoch is unchanged. A class, not a
 * closure: one shared `validate` method keeps the per-pass call cheap.
 */
class CachedValidation implements IValidation {
  private computedAt = -1;
  private messages: string[] = [];

  constructor(private readonly epoch: ValidationEpoch, private readonly compute: () => string[]) {}

  public validate(): string[] {
    if (this.computedAt === this.epoch._epoch) return this.messages;
    this.messages = this.compute();
    this.computedAt = this.epoch._epoch; // after compute(): a settle it ran is part of what it read
    return this.messages;
  }
}

/**
 * The library's validations on one node (all of one app, so of one epoch), whether the node has any
 * other, and constructs' own methods.
 */
class NodeValidations {
  public readonly library: CachedValidation[] = [];
  /** The messages of `library` in order, as of `computedAt`. */
  private messages: string[] = [];
  private computedAt = -1;
  /** `processEpoch` at which the node was last counted clean. */
  private cleanAt = -1;

  constructor(
    private readonly epoch: ValidationEpoch,
    public foreign: boolean,
    public readonly constructsAddValidation: Node['addValidation'],
    public readonly constructsValidate: Node['validate'],
  ) {}

  /** What constructs' `Node.validate()` returns when every validation is the library's: a fresh array. */
  public validate(): string[] {
    const epoch = this.epoch._epoch;
    const before = processEpoch;
    if (this.computedAt !== epoch) {
      const messages: string[] = [];
      for (const validation of this.library) messages.push(...validation.validate());
      this.messages = messages;
      // One of them settled the app: those before it read the app unsettled, so compute again next time.
      this.computedAt = this.epoch._epoch === epoch ? epoch : -1;
    }
    if (this.messages.length > 0) return this.messages.slice();
    if (processEpoch === before) this.countClean();
    return [];
  }

  private countClean(): void {
    if (this.cleanAt === processEpoch) return;
    this.cleanAt = processEpoch;
    if (countedEpoch !== processEpoch) {
      countedEpoch = processEpoch;
      cleanCount = 0;
    }
    if (++cleanCount === answering) cleanEpoch = processEpoch;
  }
}

/** Where a node keeps its `NodeValidations` (a symbol: invisible to anything else). */
const VALIDATIONS = Symbol('cdk8s-azure-keyvault-csi.validations');

type AnsweringNode = Node & { [VALIDATIONS]?: NodeValidations };

/**
 * Adds a validation to `scope` that runs `compute` once per epoch. The validation is added to the
 * node as any other (so `node.validate()` keeps its order and its result); see the file comment
 * for how the node answers.
 */
export function addCachedValidation(scope: IConstruct, epoch: ValidationEpoch, compute: () => string[]): void {
  const node = scope.node as AnsweringNode;
  if (!node[VALIDATIONS]) answerLibraryValidations(node, epoch);
  const validation = new CachedValidation(epoch, compute);
  node[VALIDATIONS]!.library.push(validation);
  node.addValidation(validation);
  epochChanged();
}

/**
 * Makes the node answer `validate()` from the library's validations while it has no other. The
 * public API cannot tell whether a node already has validations, so the fast path needs
 * constructs' own list (`_validations`) to be visibly empty when the library adds its first;
 * anything else (another validation, a constructs release that keeps the list elsewhere) leaves
 * `validate()` to constructs. One shared function per method, the state under a symbol.
 */
function answerLibraryValidations(node: AnsweringNode, epoch: ValidationEpoch): void {
  const own: unknown = (node as unknown as { _validations?: unknown })._validations;
  const empty = '_validations' in node && (own === undefined || (Array.isArray(own) && own.length === 0));
  node[VALIDATIONS] = new NodeValidations(epoch, !empty, node.addValidation, node.validate);
  if (!empty) return;
  answering++;
  node.validate = validateNode;
  node.addValidation = addNodeValidation;
}

function validateNode(this: AnsweringNode): string[] {
  if (cleanEpoch === processEpoch) return [];
  return this[VALIDATIONS]!.validate();
}

function addNodeValidation(this: AnsweringNode, validation: IValidation): void {
  const validations = this[VALIDATIONS]!;
  if (!validations.foreign && !(validation instanceof CachedValidation)) {
    // Someone else's validation: constructs answers from now on, in the order validations were added.
    validations.foreign = true;
    this.validate = validations.constructsValidate;
    answering--;
    epochChanged();
  }
  validations.constructsAddValidation.call(this, validation);
}
