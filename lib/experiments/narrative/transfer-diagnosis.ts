// Texts of lib/experiments/transfer-diagnosis.ts: findings and notes of results/transfer_diagnosis{,_geometry,_ridge}.* and transfer_confusion.*.

/** Finding: the text mode closest to the skeleton space by CKA and by RSA, and the modes above their permutation nulls. */
export function closestTextFinding(v: {
  split: string;
  ckaText: string;
  cka: string;
  ckaNull: string;
  ckaP: string;
  rsaText: string;
  rsa: string;
  rsaP: string;
  ckaSignificant: readonly string[];
  rsaSignificant: readonly string[];
}): string {
  return (
    `${v.split}: text closest to the skeleton space — by CKA ${v.ckaText} ` +
    `(${v.cka}, permutation null ${v.ckaNull}, p ${v.ckaP}), ` +
    `by RSA ${v.rsaText} (ρ ${v.rsa}, p ${v.rsaP}); ` +
    `CKA above its null at p < 0.05 for ${v.ckaSignificant.length ? v.ckaSignificant.join(', ') : 'no text mode'}, ` +
    `RSA for ${v.rsaSignificant.length ? v.rsaSignificant.join(', ') : 'no text mode'}.`
  );
}

/**
 * Finding: the best ridge map, its range over text modes against chance, the NCM oracle and the all-class ceiling;
 * `lowestCeiling` and `highestRidge` (fractions) decide the capacity clause.
 */
export function ridgeFinding(v: {
  split: string;
  bestText: string;
  best: string;
  ridgeMin: string;
  ridgeMax: string;
  chance: string;
  ncm: string;
  ceilingMin: string;
  ceilingMax: string;
  lowestCeiling: number;
  highestRidge: number;
}): string {
  return (
    `${v.split}: ridge ZSL (α on val) is best with ${v.bestText} (${v.best}; ` +
    `range ${v.ridgeMin}–${v.ridgeMax} over text modes), ` +
    `chance ${v.chance}, NCM oracle ${v.ncm}; the all-class ceiling of a linear text map (labelled) is ` +
    `${v.ceilingMin}–${v.ceilingMax} over text modes` +
    `${
      v.lowestCeiling > v.highestRidge + 0.2
        ? ': every text mode can carry the class means once every class is labelled, so what fails is generalising the map from the seen classes, ' +
          'not its capacity'
        : ''
    }.`
  );
}

const BELOW_CHANCE_LOCO = ' — below chance for every text mode: a prototype lands on the means of its text neighbours, whose samples it then takes';

/**
 * Finding: the train/test side shift of the seen classes, the ridge map fitted on their test-side rows, and the LOCO map per
 * text mode; `bestLoco` and `chance` (fractions) decide the below-chance clause.
 */
export function crossSideShiftFinding(v: {
  split: string;
  trainMeans: string;
  ownMeans: string;
  presetText: string;
  testSide: string;
  ridge: string;
  loco: readonly { text: string; accuracy: string }[];
  bestLoco: number;
  chance: number;
}): string {
  return (
    `${v.split}: cross-side shift — seen test-side rows classified by train-side seen means ${v.trainMeans} ` +
    `vs by their own test-side means ${v.ownMeans}; the ridge map (${v.presetText}) fitted on the seen classes' ` +
    `test-side rows instead of their training rows gives ${v.testSide} (vs ${v.ridge}). ` +
    'LOCO map (each unseen prototype from a map fitted on all other classes, other unseen means included; best α): ' +
    `${v.loco.map((m) => `${m.text} ${m.accuracy}`).join(', ')}` +
    `${v.bestLoco < v.chance ? BELOW_CHANCE_LOCO : ''}.`
  );
}

/** Finding: the geometry of the stage-1 class means and what the seen span costs, down to the best ridge map. */
export function geometryFinding(v: {
  split: string;
  seenDistanceCv: number;
  unseenDistanceCv: number;
  normRatio: string;
  rank: number;
  dim: number;
  spreadInSpan: string;
  inSpan: string;
  ncm: string;
  spanCost: string;
  remaining: string;
  bestRidge: string;
  bestText: string;
}): string {
  return (
    `${v.split}: geometry of the stage-1 class means — seen means (train side) pairwise-distance CV ${v.seenDistanceCv.toFixed(3)}` +
    `${
      v.seenDistanceCv < 0.1
        ? ' (below 0.1: close to a regular simplex, every seen class about equally far from every other, so the seen classes offer little ' +
          'relational structure for a text map to learn)'
        : ''
    }` +
    `, unseen means (test side) CV ${Number.isFinite(v.unseenDistanceCv) ? v.unseenDistanceCv.toFixed(3) : 'n/a'}; ` +
    `the unseen means lie ${v.normRatio}× as far from the seen centre as the seen means. ` +
    `A linear text map fitted on the seen means only outputs prototypes in their ${v.rank}-d affine span (of ${v.dim} dimensions), ` +
    `which holds ${v.spreadInSpan} of the unseen means' spread; ` +
    `NCM with the unseen means projected onto that span still reaches ${v.inSpan} (oracle ${v.ncm}): ` +
    `the span costs ${v.spanCost} points, ` +
    `and the remaining ${v.remaining} points down to the best ridge map ` +
    `(${v.bestRidge}, ${v.bestText}) are lost where the text places the prototypes inside the span.`
  );
}

/** Finding: the text NN bound over the unseen classes per text mode. */
export function textNnBoundFinding(split: string, bounds: readonly { text: string; accuracy: string }[], chance: string): string {
  return (
    `${split}: text NN bound over the unseen classes (nearest unseen class in text = nearest in skeleton space): ` +
    `${bounds.map((m) => `${m.text} ${m.accuracy}`).join(', ')} (chance ${chance}).`
  );
}

/** Finding of one confusion matrix: the unseen classes below 50 % (and what they are taken for), then the recognised ones. */
export function confusionFinding(v: {
  split: string;
  method: string;
  zsl: string;
  classes: number;
  failing: readonly { name: string; accuracy: string; takenFor: number | null; takenForName: string; takenForShare: string }[];
  recognised: readonly { name: string; accuracy: string }[];
}): string {
  return (
    `${v.split}, ${v.method}: ZSL ${v.zsl}; ${v.failing.length}/${v.classes} unseen classes below 50 %: ` +
    `${
      v.failing.length
        ? v.failing.map((p) => `${p.name} ${p.accuracy}${p.takenFor !== null ? ` → taken for ${p.takenForName} (${p.takenForShare})` : ''}`).join('; ')
        : 'none'
    }` +
    `${v.recognised.length ? `; recognised: ${v.recognised.map((p) => `${p.name} ${p.accuracy}`).join(', ')}` : ''}.`
  );
}

/** Note 0: where the data, the stage-1 features and the text come from. */
export function dataNote(origins: readonly string[], stage1: string, datasets: readonly { name: string; text: { kind: string; id?: string } }[]): string {
  return (
    `Data: ${origins.join(' | ')}. Stage 1: ${stage1} (seed 1, the evidence tables' stage-1 cache). ` +
    `Text: ${datasets.map((d) => `${d.name} ${d.text.kind === 'encoder' ? (d.text.id ?? 'use-lite') : d.text.kind}`).join(', ')}; ` +
    'modes AL = action label (lb), GD = global description (ad), LD = local description (md), combined by Eq. 5.'
  );
}

/** Note 1: the skeleton side of the comparison. */
export const SKELETON_SIDE_NOTE =
  "Skeleton side: class means of the stage-1 features z-scored with the seen training rows' mean and " +
  'std (as the ridge reference); seen classes from the training rows (train side), unseen classes ' +
  'from the ztest rows (test side, uses test labels: a diagnostic, never a zero-shot result).';

/** Note 2: CKA, its null and its debiased form. */
export const CKA_NOTE =
  'CKA: linear CKA (Kornblith et al. 2019) of the class text rows against those class means over all classes; null mean and p: the text rows ' +
  'shuffled over the classes (permutation test, one-sided). Linear CKA is biased upwards when the widths exceed the number of classes; ' +
  'the debiased CKA (unbiased HSIC) is ≈ 0 for unrelated spaces. The linear kernel weighs each class by its squared norm: where a few ' +
  'unseen means lie far out (UTD-MHAD, see the geometry table), CKA over all classes mostly measures those classes, and can fall below ' +
  'its null; RSA (ranks of cosine distances) is not weighted so. CKA unseen: over the unseen classes only (n/a below 3 classes).';

/** Note 3: NN agreement, RSA and the text NN bound. */
export const NN_RSA_NOTE =
  'NN agree: fraction of classes whose nearest other class (cosine) is the same in text and skeleton space. ' +
  'RSA ρ: Spearman correlation of the pairwise cosine distances of the two spaces; p: Mantel permutation test. ' +
  '"text NN bound (unseen)": the same NN agreement within the unseen classes (n/a below 3 unseen classes).';

/** Note 4: the ridge reference and its test-side variant. */
export const RIDGE_NOTE =
  'ridge: the ridge reference (text → seen class mean, α chosen on the val phase, nearest predicted unseen prototype). ' +
  '"ridge, seen means test side": the same map and α fitted on the seen classes\' test-side rows (gtest, also ' +
  'z-scored with their statistics; uses seen test labels) — removes the train/test side shift from the fit.';

/** Note 5: the all-class ceiling and the LOCO map. */
export const CEILING_LOCO_NOTE =
  "all-class ceiling: the ridge map fitted on ALL classes (seen training means and the unseen classes' own test-side means; uses test " +
  'labels), best α of the grid: a labelled ceiling of a linear text map; with α → 0 it interpolates the means (text width ≥ classes − 1) ' +
  "and tends to the NCM oracle. LOCO map: each unseen class's prototype predicted by a ridge map fitted on all OTHER classes (other " +
  "unseen classes' test means included), best α of the grid; NOT a ceiling: with little shrinkage a prototype lands near the means of " +
  'the classes whose text is closest, so it falls below the zero-shot map when text neighbours are not skeleton neighbours.';

/** Note 6: the columns of the geometry table. */
export const GEOMETRY_NOTE =
  'Geometry (one row per split): distance CV = std/mean of the pairwise Euclidean distances between class means (0 = regular simplex). ' +
  'A ridge (or any linear) text map fitted on the seen class means outputs prototypes in the affine span of those means ' +
  '(p̄ + Σ c_i(μ_i − p̄), the dual form); "outside seen span" is the share of the unseen means\' squared offset from p̄ orthogonal to that ' +
  'span, "spread outside" the same for the unseen means centred on their own mean (what separates them; a common offset does not ' +
  'count); "in-span NCM" classifies the unseen test rows by the unseen means projected onto the span (labelled). For reference, ' +
  'directions drawn at random in the feature space keep rank/width of their energy in a span of that rank.';

/** Note 7: what the p-values are. */
export const P_VALUES_NOTE =
  'p-values are per test (5 text modes × splits, no multiple-comparison correction); with 10 classes (NW-UCLA) the permutation nulls are wide.';

/** Note 8: the seen NCM train → test columns. */
export const SEEN_SHIFT_NOTE =
  "seen NCM train→test: the seen classes' test-side rows (gtest) classified among the seen classes by their " +
  'train-side means, against their own test-side means — the shift between the train and test sides ' +
  '(cross-view on NW-UCLA, cross-subject on UTD-MHAD) that any map fitted on train-side means meets.';

/** transfer_confusion: how the confusion rows are laid out. */
export const CONFUSION_LAYOUT_NOTE =
  'Rows = true class, columns = predicted class, over the unseen classes of the split in ascending id order (the order ' +
  'of the rows of each split and method). "taken for": the wrong class its samples are most often predicted as.';

/** transfer_confusion: the two methods whose confusion is shown. */
export const CONFUSION_METHODS_NOTE =
  "ridge map: the ridge reference with the dataset preset's text mode and the α chosen on the val phase. FS-VAE: " +
  "the dataset's stage-2 preset, one seed, the clean protocol's cycle (chosen on the pseudo-unseen val split); " +
  "predictions = argmax of the stage-3 unseen classifier's softmax on ztest, as returned by runZeroShotSeeds.";
