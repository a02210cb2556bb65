import { IConstruct, IValidation } from 'constructs';

/**
 * The library's validations, computed once per synth rather than once per chart.
 *
 * cdk8s validates the whole app before it writes anything and again for every chart it writes
 * (`Chart.toJson()` → `App._synthChart()` → `validate(app)`), so an app of 1,000 charts runs every
 * validation 1,001 times. A library validation computes its messages once per registry epoch (see
 * `AppRegistry.addValidation`) and answers later passes from that result: what remains per pass is
 * cdk8s-core's own call into each construct. It is added like any other validation, so
 * `node.validate()` keeps constructs' order and result.
 */

/** Something that knows whether what the validations read may have changed since a number it handed out. */
export interface ValidationEpoch {
  /** Bumped whenever what the validations read may have changed. */
  readonly _epoch: number;
}

/** A validation answering from its last result while the epoch is unchanged (a class, not a closure: one shared method). */
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

/** Adds a validation to `scope` that runs `compute` once per epoch of `epoch`. */
export function addCachedValidation(scope: IConstruct, epoch: ValidationEpoch, compute: () => string[]): void {
  scope.node.addValidation(new CachedValidation(epoch, compute));
}
