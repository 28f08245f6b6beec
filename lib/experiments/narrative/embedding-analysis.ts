// Texts of lib/experiments/embedding-analysis.ts: notes of results/fig3_per_class.md and results/fig3_latent_separation.md.

/** Both tables: one run's ZSL and GZSL (percentages, rounded by the caller). */
export function runSummaryNote(name: string, zsl: number, gzsl: { S: number; U: number; H: number }, seed: number): string {
  return `${name}: ZSL ${zsl} %, ` + `GZSL S ${gzsl.S} / U ${gzsl.U} / H ${gzsl.H} % (clean protocol, seed ${seed})`;
}

/** How many classes Ours is better, worse or equal on, and the mean difference (points). */
export interface DifferenceCounts {
  mean: number;
  better: number;
  worse: number;
  equal: number;
  of: number;
}

/** fig3_per_class: the mean per-class difference over the unseen and over the seen classes. */
export function meanDifferenceNote(unseen: DifferenceCounts, seen: DifferenceCounts): string {
  return (
    `Mean difference: unseen classes ${unseen.mean} points (${unseen.better} better, ${unseen.worse} worse, ` +
    `${unseen.equal} equal of ${unseen.of}); seen classes ${seen.mean} points ` +
    `(${seen.better} better, ${seen.worse} worse, ${seen.equal} equal of ${seen.of}).`
  );
}

/** fig3_per_class: what per-class accuracy means in GZSL. */
export const PER_CLASS_ACCURACY_NOTE =
  'Per-class accuracy = correct / test samples of the class after the gate routes each sample to the seen ' +
  'or the unseen classifier (clean protocol: cycle chosen on the pseudo-unseen validation split).';

/** fig3_per_class: what the paper shows. */
export const PAPER_FIG3A_NOTE =
  'The paper shows this figure for NTU-60 55/5 only and prints no values, so there is nothing ' +
  'to put side by side; it reports Ours ≥ baseline on most seen and unseen classes.';

/** fig3_per_class: Ours ahead on at most half of the classes of one kind. */
export function aheadOnlyNote(ahead: number, total: number, kind: string): string {
  return `Unlike the paper's Fig. 3a, Ours is ahead on only ${ahead} of ${total} ${kind} classes here.`;
}

/** fig3_per_class: the gate's part in the seen-class accuracy. */
export const GATE_NOTE =
  'Seen-class accuracy in GZSL also depends on the gate: a model whose samples are rarely routed to the ' +
  'unseen classifier keeps more seen samples on the seen classifier (compare S and U of both runs above).';

/** fig3_latent_separation: where the separation is measured. */
export const MEASURED_IN_EMBEDDING_NOTE =
  'Measured in the embedding itself (Euclidean distances), not in the t-SNE map; the ' +
  'last column (k-NN in the 2-D map) only says how faithfully the picture shows it.';

/** fig3_latent_separation: silhouette and k-NN. */
export const SEPARATION_METRICS_NOTE =
  'silhouette ∈ [−1, 1]: mean over points of (b − a)/max(a, b), a = mean distance to the own class, b = to the nearest other class; ' +
  'k-NN = leave-one-out majority vote of the k nearest points. Both are invariant to a global scale, so latents of different models compare.';

/** fig3_latent_separation: the stage-1 reference rows. */
export const STAGE1_REFERENCE_NOTE =
  "'stage-1 features' are the 256-d inputs of both VAEs (the same for both models): the reference point for what stage 2 keeps or adds.";

/**
 * fig3_latent_separation: the t-SNE settings and the points mapped (`mapped`: the first map's points, undefined without a map;
 * `latents`: the evaluation rows with latents, more than `mapped` when subsampled).
 */
export function tsneNote(
  tsne: { perplexity: number; iterations: number; learningRate: number; seed: number },
  mapped: number | undefined,
  latents: number,
): string {
  return (
    `t-SNE: druid.js (@saehrimnir/druidjs) exact t-SNE, perplexity ${tsne.perplexity} (capped at (n−1)/3), ` +
    `${tsne.iterations} iterations, learning rate ${tsne.learningRate}, seed ${tsne.seed}; ` +
    `${mapped ?? 0} points` +
    `${mapped !== undefined && mapped < latents ? ' (stratified subsample)' : ''}.`
  );
}

/** fig3_latent_separation: what the paper claims. */
export const PAPER_TSNE_NOTE = 'The paper shows t-SNE pictures for NTU-60 55/5 and claims tighter, better separated clusters for Ours; it gives no number.';
