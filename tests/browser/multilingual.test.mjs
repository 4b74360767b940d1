// The /multilingual page in real headless Chromium, on WebGPU (CPU adapter) and on the CPU
// fallback: mbert fills blanks in the language it is given (each prediction marked by language,
// the share counted as the page says), the card's held-out and MRR figures are shown as the card
// has them, the pairs embed in the browser and give neighbours, a rank and an MRR per layer, the
// language vector turns predictions Chinese, the zero-shot tables read the fine-tuned cards (a
// model not trained yet is missing, never zero), bad input and bad addresses get messages,
// navigating away mid-task leaves the app working, and a lost demo.json is a message, not a crash.
// Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const card = JSON.parse(readFileSync(modelFile('mbert', 'card.json'), 'utf8'));
const demo = JSON.parse(readFileSync(modelFile('mbert', 'demo.json'), 'utf8'));

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const attr = (page, id, name) => page.getByTestId(id).getAttribute(name);

/** The page's own-language count, recounted from the badges of the first five predictions per blank. */
async function recount(page) {
  return page.evaluate(() => {
    const share = document.querySelector('[data-testid=mix-share]');
    const own = share.dataset.language;
    let mine = 0, total = 0;
    for (const ol of document.querySelectorAll('.ml-blank ol')) {
      for (const li of [...ol.children].slice(0, 5)) {
        const s = li.dataset.script;
        if (s === 'Neutral') continue;
        total++;
        if (s === own) mine++;
      }
    }
    return { mine, total, shown: [Number(share.dataset.own), Number(share.dataset.total)], own };
  });
}

for (const mode of MODES) {
  test(`multilingual page on ${mode.label}: no mixing, alignment, language vector, zero-shot tables`, { timeout: 5 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
      const errors = watchErrors(page);
      const t0 = Date.now();
      await page.goto(`${server.url}?p=multilingual&lang=en&s=2${mode.query}`);
      // No mixing, English: the blanks are filled, and mostly in English.
      await page.getByTestId('blank-0').waitFor({ timeout: SLOW });
      figure(`${mode.label}.multilingual_first_fill_ms`, Date.now() - t0);
      let c = await recount(page);
      assert.equal(c.own, 'Latin');
      assert.deepEqual(c.shown, [c.mine, c.total], 'the share the page states is the badges recounted');
      assert.ok(c.total > 0 && c.mine / c.total >= 0.8, `English blank answered in English: ${c.mine}/${c.total}`);
      // Chinese preset: answered in Chinese.
      await page.getByTestId('mix-preset-0').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=mix-share]')?.dataset.language === 'Chinese', null, { timeout: SLOW });
      c = await recount(page);
      assert.ok(c.total > 0 && c.mine / c.total >= 0.8, `Chinese blank answered in Chinese: ${c.mine}/${c.total}`);
      assert.ok((await page.evaluate(() => location.search)).includes('text='), 'the sentence is in the address');
      // The card's held-out figures, as the card has them.
      for (const l of card.eval.by_language) {
        const shown = Number(await page.getByTestId(`heldout-${l.language}`).locator('td').first().getAttribute('data-value'));
        assert.ok(Math.abs(shown - l.own_language_top5) < 1e-9, `${l.language}: page ${shown}, card ${l.own_language_top5}`);
      }
      // The per-language curve of the run, from the card's validations.
      const validations = card.curve.filter((p) => p.valid_languages).length;
      assert.equal(Number(await attr(page, 'language-curve', 'data-points')), validations);
      // The MRR per layer, as the card has it.
      if (card.alignment) {
        for (let l = 0; l < card.alignment.mrr.length; l++) {
          assert.ok(Math.abs(Number(await attr(page, `mrr-layer-${l}`, 'data-mrr')) - card.alignment.mrr[l]) < 1e-12);
          assert.ok(Math.abs(Number(await attr(page, `mrr-layer-${l}`, 'data-random')) - card.alignment.random_mrr[l]) < 1e-12);
        }
      }
      // The smaller-data twin: its column when its card has shipped, else a note that it has not.
      if (!existsSync(modelFile('mbert-small', 'card.json'))) {
        await page.getByTestId('small-missing').waitFor({ timeout: SLOW });
        assert.equal(await page.getByTestId('mrr-small-head').count(), 0);
      }
      // The language vector at strength 2 (from the address) turns more top predictions Chinese.
      await page.getByTestId('vec-share').waitFor({ timeout: SLOW });
      const plain = Number(await attr(page, 'vec-share', 'data-plain'));
      const shifted = Number(await attr(page, 'vec-share', 'data-shifted'));
      figure(`${mode.label}.multilingual_vector_chinese_top1`, `${plain} -> ${shifted} of ${await attr(page, 'vec-share', 'data-total')}`);
      assert.ok(shifted > plain, `the vector turns predictions Chinese: ${plain} → ${shifted}`);
      await page.screenshot({ path: join(ARTIFACTS, `multilingual-${mode.label}.png`), fullPage: true });
      // Alignment, computed in the browser.
      const t1 = Date.now();
      await page.getByTestId('align-embed').click();
      await page.getByTestId('align-neighbours').waitFor({ timeout: SLOW });
      figure(`${mode.label}.multilingual_embed_pairs_ms`, Date.now() - t1);
      const layers = await page.locator('[data-testid^=live-mrr-]').count();
      assert.equal(layers, card.alignment ? card.alignment.mrr.length : layers);
      // The browser's MRR over the page's pairs is the one computed natively beside them (demo.json).
      for (let l = 0; l < layers; l++) {
        const v = Number(await attr(page, `live-mrr-${l}`, 'data-value'));
        assert.ok(Math.abs(v - demo.pairs.mrr[l]) < 5e-3, `live MRR at layer ${l}: ${v} in the browser, ${demo.pairs.mrr[l]} natively`);
      }
      figure(`${mode.label}.multilingual_live_mrr_max_diff`, Math.max(...await Promise.all([...Array(layers).keys()].map(async (l) => Math.abs(Number(await attr(page, `live-mrr-${l}`, 'data-value')) - demo.pairs.mrr[l])))).toExponential(2));
      assert.match(await page.getByTestId('pairs-licence').textContent(), /CC BY-SA 4\.0/, 'the HSK pairs are attributed');
      const rank = Number(await attr(page, 'align-rank', 'data-rank'));
      assert.ok(Number.isInteger(rank) && rank >= 1);
      assert.equal(await page.locator('[data-testid=align-neighbours] li').count(), 8);
      await page.getByTestId('align-word').selectOption({ index: 3 });
      await page.getByTestId('align-layer').fill('1');
      await page.waitForFunction(() => location.search.includes('word=') && location.search.includes('layer=1'), null, { timeout: SLOW });
      // Zero-shot tables: a card's figure where the fine-tuned model ships, missing (not zero) where not.
      // The note under them speaks of this page's tables (not of /benchmark's average and gain).
      assert.doesNotMatch(await page.getByTestId('zs-missing-hint').textContent(), /average|Gain/);
      for (const [key, rows] of [['qa', 4], ['sentiment', 4]]) {
        for (let i = 0; i < rows; i++) {
          const row = page.getByTestId(`zs-${key}-${i}`);
          const id = await row.getAttribute('data-card');
          const file = modelFile(id, 'card.json');
          const first = row.locator('td').first();
          if (!existsSync(file)) {
            assert.equal(await first.getAttribute('data-missing'), 'true', `${id} is not shipped: missing`);
            continue;
          }
          // Shipped: the first figure (F1, or accuracy in %) is the card's, from the row's run and section.
          const c = JSON.parse(readFileSync(file, 'utf8'));
          const start = i === 3 ? 'random' : 'pretrained';
          const section = i === 0 ? 'valid' : 'zero_shot';
          const run = c.runs.find((r) => r.init === start);
          const want = key === 'qa' ? run?.[section]?.f1 : run?.[section]?.accuracy * 100;
          if (typeof want === 'number' && !Number.isNaN(want)) {
            assert.ok(Math.abs(Number(await first.getAttribute('data-value')) - want) < 1e-9, `${id} ${start} ${section}`);
          } else {
            assert.equal(await first.getAttribute('data-missing'), 'true');
          }
        }
      }
      // Bad input: no [MASK]; an empty sentence for the vector.
      await page.getByTestId('mix-text').fill('No blank in this sentence.');
      await page.getByTestId('mix-run').click();
      await page.getByTestId('mix-error').waitFor({ timeout: SLOW });
      await page.getByTestId('vec-text').fill('');
      await page.getByTestId('vec-run').click();
      await page.getByTestId('vec-error').waitFor({ timeout: SLOW });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('multilingual page: Chinese UI from the address, phone width, bad address, lost demo file, navigating away mid-task', { timeout: 4 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 360, height: 800 } });
    const errors = watchErrors(page);
    // The address names a word and a layer: the pairs are embedded on opening and the word shown.
    await page.goto(`${server.url}?p=multilingual&lang=zh-Hant&word=${encodeURIComponent('老师')}&layer=99&s=77`);
    await page.getByTestId('url-notice').waitFor({ timeout: SLOW });
    await page.getByTestId('blank-0').waitFor({ timeout: SLOW });
    await page.getByTestId('align-neighbours').waitFor({ timeout: SLOW });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
    await page.screenshot({ path: join(ARTIFACTS, 'multilingual-phone-zh.png'), fullPage: true });
    for (const part of ['mixing', 'alignment', 'vector']) {
      await page.locator(`[data-control=${part}]`).screenshot({ path: join(ARTIFACTS, `multilingual-phone-${part}.png`) });
    }

    // Navigating away while the pairs embed: the app goes on, the next page works.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${server.url}?p=multilingual&lang=en`);
    await page.getByTestId('blank-0').waitFor({ timeout: SLOW });
    await page.getByTestId('align-embed').click();
    await page.getByTestId('align-progress').waitFor({ timeout: SLOW });
    await page.getByTestId('nav-masking').click();
    await page.getByTestId('page-masking').waitFor({ timeout: SLOW });
    await page.getByTestId('nav-multilingual').click();
    await page.getByTestId('blank-0').waitFor({ timeout: SLOW });
    assert.deepEqual(errors, []);

    // A demo file that cannot be fetched: both live sections say so, the blanks still work.
    const lost = await browser.newPage({ serviceWorkers: 'block' });
    await lost.route('**/mbert/**/demo.json', (r) => r.fulfill({ status: 404, body: 'gone' }));
    await lost.goto(`${server.url}?p=multilingual&lang=en`);
    await lost.getByTestId('blank-0').waitFor({ timeout: SLOW });
    await lost.getByTestId('align-embed').click();
    await lost.getByTestId('align-error').waitFor({ timeout: SLOW });
  } finally {
    await browser.close();
  }
});

test("multilingual page: the smaller-data twin's card beside mbert's (MRR column, held-out rows, curve)", { timeout: 2 * SLOW }, async () => {
  // The twin's card: the shipped one, or (until it ships) one made from mbert's with other figures,
  // listed in the manifest as the app would find it. The page must show what the card says.
  const shippedFile = modelFile('mbert-small', 'card.json');
  const twin = existsSync(shippedFile) ? JSON.parse(readFileSync(shippedFile, 'utf8')) : {
    ...card,
    id: 'mbert-small',
    data_share: 0.25,
    training: { ...card.training, steps: 1250 },
    eval: { ...card.eval, by_language: card.eval.by_language.map((l) => ({ ...l, top1: l.top1 * 0.8, own_language_top5: l.own_language_top5 * 0.99 })) },
    // Its validations, with an alignment MRR per layer at each (as runs record from now on).
    curve: card.curve.filter((p) => p.step <= 1250).map((p, i) => (p.valid_languages ? { ...p, alignment_mrr: p.alignment_mrr ?? card.alignment.mrr.map((m) => m * (0.6 + 0.05 * i)) } : p)),
    alignment: { ...card.alignment, mrr: card.alignment.mrr.map((m) => m * 0.9) },
  };
  const bytes = Buffer.from(JSON.stringify(twin));
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    if (!existsSync(shippedFile)) {
      await page.route('**/assets/models/manifest.json', async (r) => {
        const m = await (await r.fetch()).json();
        m.models = m.models.filter((e) => e.id !== 'mbert-small');
        m.models.push({ id: 'mbert-small', version: 'v1', name: 'twin', license: 'Apache-2.0', source: 'test', files: [{ name: 'card.json', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }] });
        await r.fulfill({ contentType: 'application/json', body: JSON.stringify(m) });
      });
      await page.route('**/mbert-small/v1/card.json', (r) => r.fulfill({ contentType: 'application/json', body: bytes }));
    }
    await page.goto(`${server.url}?p=multilingual&lang=en`);
    await page.getByTestId('mrr-small-head').waitFor({ timeout: SLOW });
    const head = await page.getByTestId('mrr-small-head').textContent();
    assert.ok(head.includes(`${Math.round(100 * twin.data_share)} %`) && head.includes(String(twin.training.steps)), `the twin's column says what it is: ${head}`);
    for (let l = 0; l < twin.alignment.mrr.length; l++) {
      assert.ok(Math.abs(Number(await attr(page, `mrr-small-${l}`, 'data-value')) - twin.alignment.mrr[l]) < 1e-12, `twin MRR at layer ${l}`);
      // Its ratio is to its own random start (it trained its own vocabulary), not to mbert's.
      const own = twin.alignment.random_mrr[l];
      assert.ok(Math.abs(Number(await attr(page, `mrr-small-ratio-${l}`, 'data-random')) - own) < 1e-12, `twin's random start at layer ${l}`);
      const ratio = await page.getByTestId(`mrr-small-ratio-${l}`).textContent();
      assert.ok(ratio.startsWith(`${(twin.alignment.mrr[l] / own).toFixed(2)}×`), `twin's ratio at layer ${l}: ${ratio}`);
    }
    assert.equal(await page.getByTestId('small-random-hint').count(), 1);
    const heads = await page.getByTestId('mrr-table').locator('thead th').allTextContents();
    assert.ok(heads.includes('mbert · random init') && heads.includes('mbert · ratio'), `whose random start the columns show: ${heads.join(' | ')}`);
    for (const l of twin.eval.by_language) {
      const cells = page.getByTestId(`heldout-small-${l.language}`).locator('td');
      assert.ok(Math.abs(Number(await cells.nth(0).getAttribute('data-value')) - l.own_language_top5) < 1e-9);
      assert.ok(Math.abs(Number(await cells.nth(1).getAttribute('data-value')) - l.top1) < 1e-9);
    }
    assert.equal(Number(await attr(page, 'language-curve', 'data-twin-points')), twin.curve.filter((p) => p.valid_languages).length);
    // Dozens of validations on the x axis: at most 8 step labels, so that they stay readable.
    const xLabels = await page.getByTestId('language-curve').locator('svg text.tick[text-anchor="middle"]').allTextContents();
    assert.ok(xLabels.length >= 2 && xLabels.length <= 8, `x labels: ${xLabels.join(' ')}`);
    const lastStep = Math.max(...[card, twin].flatMap((c) => c.curve.filter((p) => p.valid_languages).map((p) => p.step)));
    assert.equal(xLabels.at(-1), String(lastStep));
    assert.equal(await page.getByTestId('small-missing').count(), 0);
    // Alignment during pretraining: a line per run from the validations that measured it.
    const measured = (c) => c.curve.filter((p) => Array.isArray(p.alignment_mrr)).length;
    assert.equal(Number(await attr(page, 'mrr-curve', 'data-twin-points')), measured(twin));
    assert.equal(Number(await attr(page, 'mrr-curve', 'data-points')), measured(card));
    await page.getByTestId('mrr-curve').screenshot({ path: join(ARTIFACTS, 'multilingual-twin-mrr-curve.png') });
    await page.getByTestId('mrr-table').screenshot({ path: join(ARTIFACTS, 'multilingual-twin-mrr.png') });
    await page.getByTestId('language-curve').screenshot({ path: join(ARTIFACTS, 'multilingual-twin-curve.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('multilingual page: the zero-shot QA table has DRCD dev and CMRC 2018 columns, each figure from its card (made-up cards, served)', { timeout: 2 * SLOW }, async () => {
  // Cards of the shape qa-export writes, with figures no real run has, so the page can only show
  // them by reading them: the Chinese-trained run judged on DRCD dev (its validation file) and
  // trained on CMRC's trial set; the English-trained runs judged unchanged on both files.
  const sq = '../shared/data/qa/squad/squad-v1.1-dev-40articles.json';
  const set = (file, f1, em) => ({ file, language: 'zh', questions: 100, f1, em, loss: 3 });
  const cards = {
    'mbert-qa-zh': {
      id: 'mbert-qa-zh',
      run_config: { valid: '../shared/data/qa/drcd/DRCD_dev.json', train: ['../shared/data/qa/drcd/DRCD_test.json', '../shared/data/qa/cmrc2018/cmrc2018_trial.json'] },
      runs: [{ init: 'pretrained', valid: { questions: 3524, f1: 41.25, em: 30.5 } }, { init: 'random', valid: { questions: 3524, f1: 12.5, em: 4.25 } }],
    },
    'mbert-qa-en': {
      id: 'mbert-qa-en',
      run_config: { valid: sq, train: [] },
      runs: [
        { init: 'pretrained', valid: { f1: 33.5, em: 21 }, zero_shot: set('DRCD_dev.json', 20.125, 10.25), zero_shot_sets: [set('DRCD_dev.json', 20.125, 10.25), set('cmrc2018_trial.json', 18.375, 7.875)] },
        { init: 'random', valid: { f1: 9.5, em: 3 }, zero_shot: set('DRCD_dev.json', 4.5, 0.75), zero_shot_sets: [set('DRCD_dev.json', 4.5, 0.75), set('cmrc2018_trial.json', 5.25, 1.5)] },
      ],
    },
  };
  const bodies = Object.fromEntries(Object.entries(cards).map(([id, c]) => [id, Buffer.from(JSON.stringify(c))]));
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.route('**/assets/models/manifest.json', async (r) => {
      const m = await (await r.fetch()).json();
      // The twin's QA card is left out: its row must say missing.
      m.models = m.models.filter((e) => !(e.id in bodies) && e.id !== 'mbert-small-qa-en');
      for (const [id, bytes] of Object.entries(bodies)) {
        m.models.push({ id, version: 'vtest', name: id, license: 'Apache-2.0', source: 'test', files: [{ name: 'card.json', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }] });
      }
      await r.fulfill({ contentType: 'application/json', body: JSON.stringify(m) });
    });
    for (const [id, bytes] of Object.entries(bodies)) await page.route(`**/${id}/vtest/card.json`, (r) => r.fulfill({ contentType: 'application/json', body: bytes }));
    await page.goto(`${server.url}?p=multilingual&lang=en`);
    await page.getByTestId('zs-qa-0').waitFor({ timeout: SLOW });
    const cells = async (i) => page.getByTestId(`zs-qa-${i}`).locator('td').evaluateAll((tds) => tds.map((td) => ({ set: td.dataset.set, span: td.colSpan, value: td.dataset.value, missing: td.dataset.missing, trained: td.dataset.trainedOn, text: td.textContent })));
    const values = (row) => row.map((c) => (c.value !== undefined ? Number(c.value) : c.trained ? 'trained' : c.missing ? 'missing' : '?'));
    const r0 = await cells(0);
    assert.deepEqual(r0.map((c) => c.set), ['DRCD_dev.json', 'DRCD_dev.json', 'cmrc2018_trial.json']);
    assert.deepEqual(values(r0), [41.25, 30.5, 'trained'], 'Chinese-trained: DRCD dev from its validation, CMRC (one cell across F1 and EM) is its training data');
    assert.equal(r0[2].text, 'trained on it');
    assert.equal(r0[2].span, 2);
    assert.deepEqual(values(await cells(1)), [20.125, 10.25, 18.375, 7.875], 'English-trained mbert judged on both Chinese sets');
    assert.deepEqual(values(await cells(2)), ['missing', 'missing', 'missing', 'missing'], 'the twin has no card: missing, not zero');
    assert.deepEqual(values(await cells(3)), [4.5, 0.75, 5.25, 1.5], 'random init judged on both sets');
    assert.equal((await cells(1))[0].text, '20.1');
    const heads = await page.getByTestId('zs-qa').locator('thead th').allTextContents();
    assert.deepEqual(heads, ['DRCD dev', 'CMRC 2018', 'F1', 'EM', 'F1', 'EM']);
    await page.getByTestId('zs-qa').screenshot({ path: join(ARTIFACTS, 'multilingual-zero-shot-qa.png') });
    // The Chinese UI names the training-data cell in Chinese.
    await page.goto(`${server.url}?p=multilingual&lang=zh-Hans`);
    await page.getByTestId('zs-qa-0').waitFor({ timeout: SLOW });
    assert.equal((await cells(0))[2].text, '训练数据');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
