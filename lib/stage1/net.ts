/** Factory of the stage-1 networks by architecture name. */
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { Stage1ModelConfig } from './config';
import { SkeletonNet, SkeletonNetShape } from './model';
import { ShiftGcn } from './shift-gcn';
import { StGcn } from './st-gcn';

/** Builds the network of `cfg.arch` with weights drawn from `rng` (same seed → same weights). */
export function createSkeletonNet(cfg: Stage1ModelConfig, shape: SkeletonNetShape, rng: Random): SkeletonNet {
  if (!Number.isInteger(shape.numClasses) || shape.numClasses < 2)
    throw new FsvaeInputError('stage 1: numClasses must be an integer ≥ 2, ' + `got ${shape.numClasses}.`);
  if (!Number.isInteger(shape.bodies) || shape.bodies < 1) throw new FsvaeInputError(`stage 1: bodies must be a positive integer, got ${shape.bodies}.`);
  if (cfg.channels.length !== cfg.strides.length || cfg.channels.length === 0) {
    throw new FsvaeInputError(
      `stage 1: model.channels (${cfg.channels.length} entries) and model.strides (${cfg.strides.length}) ` + 'must have one entry per block.',
    );
  }
  if (cfg.arch === 'shift-gcn') return new ShiftGcn(cfg, shape, rng);
  if (cfg.arch === 'st-gcn') return new StGcn(cfg, shape, rng);
  throw new FsvaeInputError(`stage 1: unknown architecture '${String(cfg.arch)}'; use 'shift-gcn' or 'st-gcn'.`);
}
