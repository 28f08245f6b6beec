/**
 * ST-GCN (Yan et al., AAAI 2018; yysijie/st-gcn net/st_gcn.py) on channel-last activations
 * [N·M, T, V, C], with the same interface as Shift-GCN.
 *
 * Block: relu(tcn(gcn(x)) + residual(x)) with
 *   gcn: Σ_k (Â_k ⊙ E_k)ᵀ-aggregation then a 1×1 conv: out[i] = Σ_k Σ_j Â_k[j][i]·E_k[j][i]·(W_k x[j] + b_k),
 *        Â_k the three spatial-partition subsets (graph.ts), E_k the learnable edge importance
 *        (initialised 1). Computed as aggregation first ([K·V, V] × [V, B·T·C]) and one
 *        [K·C_in, C_out] matmul; the bias enters as Σ_k colsum(Â_k ⊙ E_k)[i]·b_k, as in the original.
 *   tcn: BN, ReLU, k×1 temporal conv (padding (k−1)/2, the block's stride; im2col + matmul,
 *        equivalent to Conv2d((k, 1))), BN. Dropout 0.
 *   residual: none in block 1, identity when width and stride are unchanged, else 1×1 conv with
 *        the stride + BN.
 * The network: data BN over (M, V, C), the blocks, mean over T·V then M, fc to all classes.
 * Initialisation as st-gcn's weights_init: conv weights N(0, 0.02²), biases 0, BN γ ~ N(1, 0.02²).
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../util/random';
import { Stage1ModelConfig } from './config';
import { spatialPartition } from './graph';
import { BatchNorm, ForwardContext, DenseLayer, ParamSet, temporalIm2col, temporalSubsample } from './layers';
import { SkeletonNet, SkeletonNetOutput, SkeletonNetShape, checkNetInput, poolFeatures } from './model';

const INIT_STD = 0.02;
const BN_INIT = { mean: 1, std: INIT_STD };

class StGcnBlock {
  private readonly importance: tf.Variable;
  private readonly gcnWeight: tf.Variable;
  private readonly gcnBias: tf.Variable;
  private readonly bn1: BatchNorm;
  private readonly tconv: DenseLayer;
  private readonly bn2: BatchNorm;
  private readonly residual: 'none' | 'identity' | { conv: DenseLayer; bn: BatchNorm };

  constructor(
    p: ParamSet,
    name: string,
    private readonly A: tf.Tensor3D,
    readonly cin: number,
    readonly cout: number,
    readonly stride: number,
    readonly kernel: number,
    residual: boolean,
  ) {
    const [K, V] = A.shape;
    this.importance = p.constant(`${name}/edge_importance`, [K, V, V], 1);
    this.gcnWeight = p.normal(`${name}/gcn/W`, [K * cin, cout], INIT_STD);
    this.gcnBias = p.constant(`${name}/gcn/b`, [K, cout], 0);
    this.bn1 = new BatchNorm(p, `${name}/tcn/bn1`, [cout], [0, 1, 2], BN_INIT);
    this.tconv = DenseLayer.create(p, `${name}/tcn/conv`, kernel * cout, cout, INIT_STD);
    this.bn2 = new BatchNorm(p, `${name}/tcn/bn2`, [cout], [0, 1, 2], BN_INIT);
    if (!residual) this.residual = 'none';
    else if (cin === cout && stride === 1) this.residual = 'identity';
    else
      this.residual = {
        conv: DenseLayer.create(p, `${name}/residual`, cin, cout, INIT_STD),
        bn: new BatchNorm(p, `${name}/residual_bn`, [cout], [0, 1, 2], BN_INIT),
      };
  }

  private gcn(x: tf.Tensor4D): tf.Tensor4D {
    const [B, T, V, C] = x.shape;
    const K = this.A.shape[0];
    const Aw = tf.mul(this.A, this.importance); // [K, V(source j), V(target i)]
    // [K·V(target), V(source)]: row k·V + i holds Aw[k][·][i]
    const Acat = tf.reshape(tf.transpose(Aw, [0, 2, 1]), [K * V, V]);
    const xs = tf.reshape(tf.transpose(tf.reshape(x, [B * T, V, C]), [1, 0, 2]), [V, B * T * C]);
    const agg = tf.matMul(Acat as tf.Tensor2D, xs as tf.Tensor2D); // [K·V, B·T·C]
    const z = tf.reshape(tf.transpose(tf.reshape(agg, [K, V, B * T, C]), [2, 1, 0, 3]), [B * T * V, K * C]);
    const y = tf.matMul(z as tf.Tensor2D, this.gcnWeight as tf.Tensor2D);
    const colsum = tf.transpose(tf.sum(Aw, 1)); // [V(target), K]
    const bias = tf.matMul(colsum as tf.Tensor2D, this.gcnBias as tf.Tensor2D); // [V, C_out]
    return tf.add(tf.reshape(y, [B, T, V, this.cout]), bias) as tf.Tensor4D;
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let y = this.gcn(x);
    y = tf.relu(this.bn1.apply(y, ctx)) as tf.Tensor4D;
    y = this.tconv.apply(temporalIm2col(y, this.kernel, this.stride)) as tf.Tensor4D;
    y = this.bn2.apply(y, ctx) as tf.Tensor4D;
    if (this.residual === 'none') return tf.relu(y) as tf.Tensor4D;
    if (this.residual === 'identity') return tf.relu(tf.add(y, x)) as tf.Tensor4D;
    const r = this.residual.bn.apply(this.residual.conv.apply(temporalSubsample(x, this.stride)), ctx);
    return tf.relu(tf.add(y, r)) as tf.Tensor4D;
  }
}

export class StGcn implements SkeletonNet {
  readonly params: ParamSet;
  readonly featureDim: number;
  private readonly A: tf.Tensor3D;
  private readonly dataBn: BatchNorm;
  private readonly blocks: StGcnBlock[] = [];
  private readonly fc: DenseLayer;

  constructor(
    readonly config: Stage1ModelConfig,
    readonly shape: SkeletonNetShape,
    rng: Random,
  ) {
    const p = (this.params = new ParamSet(rng, 'stgcn'));
    const V = shape.layout.joints.length;
    const part = spatialPartition(shape.layout, config.partitionCenter ?? shape.layout.center);
    const flat = new Float32Array(3 * V * V);
    part.subsets.forEach((s, k) => flat.set(s.data, k * V * V));
    this.A = tf.keep(tf.tensor3d(flat, [3, V, V]));
    this.dataBn = new BatchNorm(p, 'data_bn', [shape.bodies, 1, V, 3], [0, 2]);
    let cin = 3;
    config.channels.forEach((cout, i) => {
      this.blocks.push(new StGcnBlock(p, `l${i + 1}`, this.A, cin, cout, config.strides[i], config.temporalKernel, i > 0));
      cin = cout;
    });
    this.featureDim = cin;
    this.fc = DenseLayer.create(p, 'fc', cin, shape.numClasses, INIT_STD);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): SkeletonNetOutput {
    checkNetInput(x, this.shape, 'StGcn.forward');
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
    this.A.dispose();
    this.params.dispose();
  }
}
