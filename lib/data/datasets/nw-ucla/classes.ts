/** NW-UCLA's classes: its 10 action ids and their names, index = 0-based label. */

/** The action ids of the 10 classes, in label order (label = rank + 1 in the files). */
export const NW_UCLA_ACTION_IDS = [1, 2, 3, 4, 5, 6, 8, 9, 11, 12] as const;

/** NW-UCLA's 10 actions (a01..a06, a08, a09, a11, a12), 0-based in that order. */
export const NW_UCLA_CLASS_NAMES = [
  'pick up with one hand',
  'pick up with two hands',
  'drop trash',
  'walk around',
  'sit down',
  'stand up',
  'donning',
  'doffing',
  'throw',
  'carry',
] as const;
