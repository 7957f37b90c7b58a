// cli-search.test.mjs - the operator commands of issue 3 item 4: `tsunagu import` (CSV and JSON Lines,
// all or nothing, line-numbered errors, --skip-bad) and `tsunagu search` (ranked hits and facet counts).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './harness.mjs';
import { LAW_FIELDS, lawColumns } from './joblaw-fixture.mjs';

describe('import and search from the command line', () => {
  let dir, data;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsunagu-cli-'));
    data = join(dir, 'data');
    const r = cli(['migrate', '--data', data]);
    assert.equal(r.status, 0, r.stderr);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a CSV with a bad row writes nothing and names the row; --skip-bad writes the good ones', () => {
    const csv = join(dir, 'jobs.csv');
    const law = lawColumns();
    writeFileSync(csv, '\ufeff求人タイトル,企業名,仕事の内容,職種,雇用形態,就業場所（市町村）,対象者' + law.header + '\n'
      + '法人営業（ルート営業）,上州商事,県内企業への提案営業,販売・営業の職業,正社員,前橋市,新卒|既卒' + law.cells + '\n'
      + 'ＳＥ（Java）,赤城システム,業務システムの開発,02,seishain,10202,' + law.cells + '\n'
      + '看護師,榛名病院,病棟看護,04,正社員,大阪市,' + law.cells + '\n');
    let r = cli(['import', '--data', data, '--type', 'job', csv]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /4行目: 「就業場所（市町村）」に「大阪市」という選択肢はありません。/);
    assert.match(r.stdout, /3 rows read, 0 written, 1 with errors/);
    r = cli(['search', '--data', data, '--type', 'job', '営業']);
    assert.match(r.stdout, /^total 0$/m, 'nothing was written');
    r = cli(['import', '--data', data, '--type', 'job', '--skip-bad', csv]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 rows read, 2 written, 1 with errors/);
  });

  it('JSON Lines import and search with normalisation, facets and exclusion', () => {
    const jsonl = join(dir, 'jobs.jsonl');
    writeFileSync(jsonl, JSON.stringify({
      title: 'ｴﾝｼﾞﾆｱ（組込み）', company_name: '利根テック', description: '車載機器のソフトウェア開発',
      occupation: ['02'], employment: '契約社員', municipality: ['10205'], ...LAW_FIELDS,
    }) + '\n');
    let r = cli(['import', '--data', data, '--type', 'job', jsonl]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['search', '--data', data, '--type', 'job', 'エンジニア']);
    assert.match(r.stdout, /^total 1$/m);
    assert.match(r.stdout, /\tｴﾝｼﾞﾆｱ（組込み）$/m);
    r = cli(['search', '--data', data, '--type', 'job', 'se']);
    assert.match(r.stdout, /\tＳＥ（Java）$/m);
    r = cli(['search', '--data', data, '--type', 'job', '営業']);
    assert.match(r.stdout, /^total 1$/m);
    assert.match(r.stdout, /^facet\tarea\tchumo\t中毛\t1$/m);
    assert.match(r.stdout, /^facet\ttarget\tshinsotsu\t新卒\t1$/m);
    r = cli(['search', '--data', data, '--type', 'job', '--facet', 'area=seimo']);
    assert.match(r.stdout, /^total 1$/m);
    assert.match(r.stdout, /\tＳＥ（Java）$/m);
    r = cli(['search', '--data', data, '--type', 'job', '開発', '-車載']);
    assert.match(r.stdout, /^total 1$/m);
    r = cli(['search', '--data', data, '--type', 'nosuch', 'x']);
    assert.equal(r.status, 2);
  });
});
