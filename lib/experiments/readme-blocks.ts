/** The README's generated blocks: text between <!-- NAME:begin --> and <!-- NAME:end -->. */
import { FsvaeInputError } from '../util/assert';

/** `readme` with block `name` replaced by `body`; an error when its markers are missing. */
export function replaceReadmeBlock(readme: string, name: string, body: string): { text: string; changed: boolean } {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new FsvaeInputError(`README: the markers ${begin} … ${end} are missing.`);
  const text = `${readme.slice(0, i + begin.length)}\n${body}\n${readme.slice(j)}`;
  return { text, changed: text !== readme };
}
