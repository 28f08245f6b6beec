/**
 * Shift-GCN, joint stream (Cheng et al., CVPR 2020; kchengiva/Shift-GCN model/shift_gcn.py),
 * on channel-last activations [N·M, T, V, C].
 *
 * Block (TCN_GCN_unit): relu(tcn(gcn(x)) + residual(x)) with
 *   gcn  (Shift_gcn):  non-local spatial shift in — channel c of joint v takes joint (v + c) mod V —
 *                      × (tanh(mask) + 1) with a learnable V×C mask (initialised 0), 1×1 conv
 *                      (matmul over channels, + bias), spatial shift out ((v − c) mod V),
 *                      BatchNorm1d over V·C, + down(x) (1×1 conv + BN when the width changes),
 *                      ReLU;
 *   tcn  (Shift_tcn):  BN, temporal shift, 1×1 conv, ReLU, temporal shift (with the block's
 *                      stride), BN;
 *   residual: none in block 1, identity when width and stride are unchanged, else a 1×1 conv
 *             with the stride + BN.
 * The network: data BN over (M, V, C), the blocks, mean over T·V then M, fc to all classes.
 *
 * Temporal shift: the paper's adaptive temporal shift learns a real-valued shift per channel
 * (interpolated); here it is the fixed shift of that family: one third of the channels moved by
 * −1 frame, one third by +1, the rest unshifted, zero padding (temporalShift in layers.ts).
 * Initialisation as the original: 1×1 conv weights N(0, 2/C_out) (Kaiming fan-out), the shift
 * linear N(0, 1/C_out), fc N(0, 2/num_class), biases 0, BN γ = 1, β = 0.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../util/random';
import { Stage1ModelConfig } from './config';
import { BatchNorm, ForwardContext, DenseLayer, ParamSet, SpatialShift, temporalShift, temporalSubsample } from './layers';
import { SkeletonNet, SkeletonNetOutput, SkeletonNetShape, checkNetInput, poolFeatures } from './model';

class ShiftGcnSpatial {
  private readonly shiftIn: SpatialShift;
  private readonly shiftOut: SpatialShift;
  private readonly mask: tf.Variable;
  private readonly linear: DenseLayer;
  private readonly bn: BatchNorm;
  private readonly down: { conv: DenseLayer; bn: BatchNorm } | null;

  constructor(
    p: ParamSet,
    name: string,
    readonly V: number,
    readonly cin: number,
    readonly cout: number,
  ) {
    this.shiftIn = new SpatialShift(V, cin, 1);
    this.shiftOut = new SpatialShift(V, cout, -1);
    this.linear = DenseLayer.create(p, `${name}/linear`, cin, cout, Math.sqrt(1 / cout));
    this.mask = p.constant(`${name}/feature_mask`, [V, cin], 0);
    this.bn = new BatchNorm(p, `${name}/bn`, [V, cout], [0, 1]);
    this.down =
      cin !== cout
        ? {
            conv: DenseLayer.create(p, `${name}/down`, cin, cout, Math.sqrt(2 / cout)),
            bn: new BatchNorm(p, `${name}/down_bn`, [cout], [0, 1, 2]),
          }
        : null;
  }

  apply(x0: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let x = this.shiftIn.apply(x0);
    x = tf.mul(x, tf.add(tf.tanh(this.mask), 1));
    x = this.linear.apply(x);
    x = this.shiftOut.apply(x);
    x = this.bn.apply(x, ctx);
    const res = this.down ? this.down.bn.apply(this.down.conv.apply(x0), ctx) : x0;
    return tf.relu(tf.add(x, res)) as tf.Tensor4D;
  }
}

class ShiftGcnTemporal {
  private readonly bn: BatchNorm;
  private readonly linear: DenseLayer;
  private readonly bn2: BatchNorm;

  constructor(
    p: ParamSet,
    name: string,
    readonly channels: number,
    readonly stride: number,
  ) {
    this.bn = new BatchNorm(p, `${name}/bn`, [channels], [0, 1, 2]);
    this.linear = DenseLayer.create(p, `${name}/linear`, channels, channels, Math.sqrt(2 / channels));
    this.bn2 = new BatchNorm(p, `${name}/bn2`, [channels], [0, 1, 2]);
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let y = this.bn.apply(x, ctx) as tf.Tensor4D;
    y = temporalShift(y);
    y = tf.relu(this.linear.apply(y)) as tf.Tensor4D;
    y = temporalShift(y, this.stride);
    return this.bn2.apply(y, ctx) as tf.Tensor4D;
  }
}

class ShiftGcnBlock {
  private readonly gcn: ShiftGcnSpatial;
  private readonly tcn: ShiftGcnTemporal;
  private readonly residual: 'none' | 'identity' | { conv: DenseLayer; bn: BatchNorm };

  constructor(
    p: ParamSet,
    name: string,
    V: number,
    cin: number,
    cout: number,
    readonly stride: number,
    residual: boolean,
  ) {
    this.gcn = new ShiftGcnSpatial(p, `${name}/gcn`, V, cin, cout);
    this.tcn = new ShiftGcnTemporal(p, `${name}/tcn`, cout, stride);
    if (!residual) this.residual = 'none';
    else if (cin === cout && stride === 1) this.residual = 'identity';
    else
      this.residual = {
        conv: DenseLayer.create(p, `${name}/residual`, cin, cout, Math.sqrt(2 / cout)),
        bn: new BatchNorm(p, `${name}/residual_bn`, [cout], [0, 1, 2]),
      };
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const y = this.tcn.apply(this.gcn.apply(x, ctx), ctx);
    if (this.residual === 'none') return tf.relu(y) as tf.Tensor4D;
    if (this.residual === 'identity') return tf.relu(tf.add(y, x)) as tf.Tensor4D;
    const r = this.residual.bn.apply(this.residual.conv.apply(temporalSubsample(x, this.stride)), ctx);
    return tf.relu(tf.add(y, r)) as tf.Tensor4D;
  }
}

export class ShiftGcn implements SkeletonNet {
  readonly params: ParamSet;
  readonly featureDim: number;
  private readonly dataBn: BatchNorm;
  private readonly blocks: ShiftGcnBlock[] = [];
  private readonly fc: DenseLayer;

  constructor(
    readonly config: Stage1ModelConfig,
    readonly shape: SkeletonNetShape,
    rng: Random,
  ) {
    const p = (this.params = new ParamSet(rng, 'shiftgcn'));
    const V = shape.layout.joints.length;
    this.dataBn = new BatchNorm(p, 'data_bn', [shape.bodies, 1, V, 3], [0, 2]);
    let cin = 3;
    config.channels.forEach((cout, i) => {
      this.blocks.push(new ShiftGcnBlock(p, `l${i + 1}`, V, cin, cout, config.strides[i], i > 0));
      cin = cout;
    });
    this.featureDim = cin;
    this.fc = DenseLayer.create(p, 'fc', cin, shape.numClasses, Math.sqrt(2 / shape.numClasses));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): SkeletonNetOutput {
    checkNetInput(x, this.shape, 'ShiftGcn.forward');
    return tf.tidy(() => {
      const [N, M, T, V, C] = x.shape;
      let h = tf.reshape(this.dataBn.apply(x, ctx), [N * M, T, V, C]) as tf.Tensor4D;
      for (const b of this.blocks) h = b.apply(h, ctx);
      const features = poolFeatures(h, N, M);
      const logits = this.fc.apply(features) as tf.Tensor2D;
      return { features, logits };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
