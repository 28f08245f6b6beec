// Texts of lib/experiments/auxiliary-classes.ts: the notes of results/transfer_auxiliary_classes[_full].{md,csv,json} (lever (c), notebook 03).

export const AUXILIARY_EXTENSION_NOTE =
  'An extension of FS-VAE (not in the paper): the other small Kinect-v1 dataset lends its classes as extra seen classes (NW-UCLA ↔ UTD-MHAD, ' +
  'one 20-joint layout). Every lent class that overlaps a target unseen or val-unseen class is removed (table below; lib/data/class-overlap.ts).';

export const AUXILIARY_MODES_NOTE =
  "Modes: none = Table 1's setting; project = Table 1's stage-1 features unchanged, the lent samples passed through the same fitted extractors, " +
  "standardised per dimension to the target's training rows (unscaled, they come out several times larger and stage 2 diverges) " +
  "and added to stage 2's training set; joint = stage 1 fitted on the seen and lent classes together.";
