import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** @internal The ApiObjects in a construct's subtree, in tree order (what it renders). */
export function apiObjectsOf(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}
