/** MSR Action3D's classes, index = 0-based label. */

/** MSR Action3D, 20 actions a01..a20 (label = id − 1), Li, Zhang & Liu (CVPR-W 2010). */
export const MSR_ACTION3D_CLASS_NAMES: readonly string[] = [
  'high arm wave',
  'horizontal arm wave',
  'hammer',
  'hand catch',
  'forward punch',
  'high throw',
  'draw x',
  'draw tick',
  'draw circle',
  'hand clap',
  'two hand wave',
  'side-boxing',
  'bend',
  'forward kick',
  'side kick',
  'jogging',
  'tennis swing',
  'tennis serve',
  'golf swing',
  'pick up & throw',
];
