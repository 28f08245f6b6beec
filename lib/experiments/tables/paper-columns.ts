/**
 * The paper's NTU columns, shared by the table files: its four NTU splits, a row's numbers on them
 * ('a | b | c | d', the `paper` column) and a claim's differences on them (the `paper Δ` column).
 */

/** The paper's four NTU splits, in its column order. */
export const NTU_SPLITS = ['ntu60-55/5', 'ntu60-48/12', 'ntu120-110/10', 'ntu120-96/24'] as const;

/** A row of the paper's numbers on its four NTU splits, in column order. */
export const ntu4 = (a: number, b: number, c: number, d: number) => ({ 'ntu60-55/5': a, 'ntu60-48/12': b, 'ntu120-110/10': c, 'ntu120-96/24': d });

/** The paper's four NTU numbers of a row, 'a | b | c | d'. */
export function paper4(byNtuSplit: Record<string, number> | undefined): string {
  return byNtuSplit ? NTU_SPLITS.map((s) => byNtuSplit[s]?.toFixed(1) ?? '–').join(' | ') : '';
}

/** The paper's differences better − worse on its four NTU splits. */
export function paperDelta(better: Record<string, number> | undefined, worse: Record<string, number> | undefined): string {
  if (!better || !worse) return '';
  return NTU_SPLITS.map((s) => {
    const d = better[s] - worse[s];
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
  }).join(' | ');
}
