import { IConstruct, IValidation, Node } from 'constructs';

/**
 * The library's validations, answered once per synth rather than once per chart.
 *
 * cdk8s validates the whole app before it writes anything and again for every chart it writes
 * (`Chart.toJson()` → `App._synthChart()` → `validate(app)`), so an app of 1,000 charts runs every
 * validation 1,001 times. A library validation computes its messages once per registry epoch (see
 * `AppRegistry.addValidation`) and answers later passes from that result. What remains per pass is
 * cdk8s-core's own call into each construct (`node.validate()` → `flatMap` over the node's
 * validations), which on a construct with one validation costs several times what it costs on one
 * with none; so a node whose validations are all the library's answers `node.validate()` itself,
 * with exactly what constructs' `validate()` would return (the messages of its validations, in the
 * order they were added). A node that has any other validation keeps constructs' own `validate()`.
 */

/** Something that knows whether what the validations read may have changed since a number it handed out. */
export interface ValidationEpoch {
  /** Bumped whenever what the validations read may have changed. */
  readonly _epoch: number;
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

  constructor(
    private readonly epoch: ValidationEpoch,
    public foreign: boolean,
    public readonly constructsAddValidation: Node['addValidation'],
    public readonly constructsValidate: Node['validate'],
  ) {}

  /** What constructs' `Node.validate()` returns when every validation is the library's: a fresh array. */
  public validate(): string[] {
    const epoch = this.epoch._epoch;
    if (this.computedAt !== epoch) {
      const messages: string[] = [];
      for (const validation of this.library) messages.push(...validation.validate());
      this.messages = messages;
      // One of them settled the app: those before it read the app unsettled, so compute again next time.
      this.computedAt = this.epoch._epoch === epoch ? epoch : -1;
    }
    return this.messages.length === 0 ? [] : this.messages.slice();
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
}

/**
 * Makes the node answer `validate()` from the library's validations while it has no other. The
 * public API cannot tell whether a node already has validations, so the fast path needs
 * constructs' own list (`_validations`) to be visibly empty when the library adds its first;
 * anything else (another validation, a constructs release that keeps the list elsewhere) leaves
 * `validate()` to constructs. One shared function per method, the state under a symbol: cdk8s
 * calls `validate()` on every node once per chart, and one call target keeps that cheap.
 */
function answerLibraryValidations(node: AnsweringNode, epoch: ValidationEpoch): void {
  const own: unknown = (node as unknown as { _validations?: unknown })._validations;
  const empty = '_validations' in node && (own === undefined || (Array.isArray(own) && own.length === 0));
  node[VALIDATIONS] = new NodeValidations(epoch, !empty, node.addValidation, node.validate);
  node.validate = validateNode;
  node.addValidation = addNodeValidation;
}

function validateNode(this: AnsweringNode): string[] {
  const validations = this[VALIDATIONS]!;
  return validations.foreign ? validations.constructsValidate.call(this) : validations.validate();
}

function addNodeValidation(this: AnsweringNode, validation: IValidation): void {
  const validations = this[VALIDATIONS]!;
  if (!(validation instanceof CachedValidation)) validations.foreign = true;
  validations.constructsAddValidation.call(this, validation);
}
