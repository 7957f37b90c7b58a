// joblaw-fixture.mjs - the items a published job offer must state (B01, src/content/joblaw.h), for tests that
// import job offers: extra CSV columns and JSON keys with lawful values.
export const LAW_FIELDS = {
  duties_scope: '変更なし', contract_period: '期間の定めなし', trial_period: 'なし', workplace: '本社',
  workplace_scope: '変更なし', hours: '9:00〜18:00', overtime: '月10時間程度', breaks: '60分', holidays: '土日祝',
  salary: '月給20万円', insurance: '雇用保険・労災保険', smoking: '屋内禁煙',
};

// CSV columns to append to a header that already has the columns in `have`, and the matching cells.
export function lawColumns(have = []) {
  const keys = Object.keys(LAW_FIELDS).filter((k) => !have.includes(k));
  return { header: keys.map((k) => ',' + k).join(''), cells: keys.map((k) => ',' + LAW_FIELDS[k]).join('') };
}
