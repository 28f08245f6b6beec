/**
 * The train/test side of a sequence under a protocol: read from the id its reader recorded in
 * seq.meta (subject, view, camera or setup). The dataset readers assign sides with these; splits.ts
 * re-exports them.
 */
import { FsvaeInputError } from '../util/assert';
import type { SideOf, TrainTestProtocol } from './dataset-types';
import type { SkeletonSequence } from './skeleton';

function metaId(seq: SkeletonSequence, key: string, what: string): number {
  const v = seq.meta?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) {
    throw new FsvaeInputError(
      `${what}: sequence ${seq.id} has no integer meta.${key} (got ${JSON.stringify(v)}); ` +
        `the reader must record the ${key} id to assign a train/test side.`,
    );
  }
  return n;
}

/** Side from a registered protocol: reads seq.meta[protocol.key]. */
export function sideFromProtocol(protocol: TrainTestProtocol): SideOf {
  return (seq) => protocolSide(protocol, metaId(seq, protocol.key, `${protocol.dataset} ${protocol.name}`));
}

/**
 * Side from explicit id lists (e.g. the generated dataset's protocol
 * { trainSubjects, testSubjects }); ids in neither list are an error.
 */
export function sideFromIds(train: readonly number[], test: readonly number[], key = 'subject'): SideOf {
  const tr = new Set(train);
  const te = new Set(test);
  const both = [...tr].filter((x) => te.has(x));
  if (both.length) throw new FsvaeInputError(`sideFromIds: ${key} ids [${both.join(', ')}] are on both the train and the test side.`);
  return (seq) => {
    const id = metaId(seq, key, 'sideFromIds');
    if (tr.has(id)) return 'train';
    if (te.has(id)) return 'test';
    throw new FsvaeInputError(
      `sideFromIds: sequence ${seq.id} has ${key} ${id}, ` + `in neither the train [${train.join(', ')}] nor the test [${test.join(', ')}] list.`,
    );
  };
}

/** Which side of a protocol an id (subject/view/camera/setup) belongs to. */
export function protocolSide(protocol: TrainTestProtocol, id: number): 'train' | 'test' {
  if (protocol.train === null || protocol.test === null) {
    throw new FsvaeInputError(`${protocol.dataset} ${protocol.name}: the id lists are not known exactly here. ${protocol.note ?? ''}`.trim());
  }
  if (protocol.train.includes(id)) return 'train';
  if (protocol.test.includes(id)) return 'test';
  throw new FsvaeInputError(`${protocol.dataset} ${protocol.name}: ${protocol.key} ${id} is in neither the train nor the test list; check the file name.`);
}
