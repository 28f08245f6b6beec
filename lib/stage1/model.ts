/**
 * The interface shared by the stage-1 networks, and the factory.
 *
 * Input [N, M, T, V, 3] (clips, bodies, frames, joints, xyz). Output: `features` [N, D], the last
 * block's output after ReLU mean-pooled over T and V and then over the M bodies (Shift-GCN's
 * Model.forward: x.view(N, M, C, -1).mean(3).mean(1)), and `logits` [N, numClasses] = fc(features)
 * over ALL classes of the dataset (docs/paper-vs-code.md §1: trained on seen classes only, original labels).
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError } from '../util/assert';
import { JointLayout } from '../data/layouts';
import { Stage1ModelConfig } from './config';
import { ForwardContext, ParamSet } from './layers';

export interface SkeletonNetOutput {
  features: tf.Tensor2D;
  logits: tf.Tensor2D;
}

export interface SkeletonNetShape {
  layout: JointLayout;
  bodies: number;
  numClasses: number;
}

export interface SkeletonNet {
  readonly config: Stage1ModelConfig;
  readonly shape: SkeletonNetShape;
  readonly params: ParamSet;
  /** feature width (the last block's channels) */
  readonly featureDim: number;
  forward(x: tf.Tensor, ctx: ForwardContext): SkeletonNetOutput;
  dispose(): void;
}

export function checkNetInput(x: tf.Tensor, shape: SkeletonNetShape, what: string): void {
  const V = shape.layout.joints.length;
  if (x.rank !== 5 || x.shape[1] !== shape.bodies || x.shape[3] !== V || x.shape[4] !== 3) {
    throw new FsvaeInputError(`${what}: input must be [N, M=${shape.bodies}, T, V=${V}, 3], got [${x.shape.join(', ')}].`);
  }
  if ((x.shape[0] as number) < 1 || (x.shape[2] as number) < 1)
    throw new FsvaeInputError(`${what}: input has an empty batch or no frames ` + `([${x.shape.join(', ')}]).`);
}

/** Mean over T and V of [N·M, T, V, C], then over M: [N, C]. */
export function poolFeatures(x: tf.Tensor4D, n: number, m: number): tf.Tensor2D {
  const c = x.shape[3];
  const perClip = tf.mean(x, [1, 2]);
  return tf.mean(tf.reshape(perClip, [n, m, c]), 1) as tf.Tensor2D;
}
