// Every page for every reader (issue 28), in real headless Chromium on the CPU path:
// - axe-core (WCAG 2.0–2.2 A/AA and best practices) on every page after its model has run, at
//   desktop size and on a 360 px phone, in English and 繁體中文: no critical or serious violation;
// - no sideways scrolling on a phone: the layout viewport stays the device's width, for the full
//   site (360 and 320 px) and for embedded pages (360 px);
// - the keyboard alone (Tab, Enter, arrows) reaches each page's main action and its result.
// Phone screenshots → artifacts/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, watchErrors, figure, ARTIFACTS, SLOW } from './harness.mjs';
import { PAGES, axe, counts } from './a11y.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const DESKTOP = { label: 'desktop', width: 1280, height: 900 };
const PHONE = { label: 'phone', width: 360, height: 780, isMobile: true, hasTouch: true };

/** A context the size of `vp` (axe is injected as an inline script: the app's CSP is bypassed). */
async function context(browser, vp) {
  return browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: vp.width, height: vp.height }, isMobile: !!vp.isMobile, hasTouch: !!vp.hasTouch });
}

/** Opens one page in a context the size of `vp`, runs `body(page)`, and checks that the page
 *  logged no error. */
async function withPage(browser, vp, body) {
  const ctx = await context(browser, vp);
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const out = await body(page);
    assert.deepEqual(errors, []);
    return out;
  } finally {
    await ctx.close();
  }
}

/** The document's width against the device's, and the layout viewport's. */
async function widths(page) {
  return page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
}

/** Every page at one size in one language: axe's critical and serious violations, and overflow. */
async function pass(browser, lang, vp, { embed = false, runAxe = true, shots = true } = {}) {
  const problems = [];
  const tally = {};
  await withPage(browser, vp, async (page) => {
    for (const p of PAGES) {
      if (embed && ['home', 'offline'].includes(p.slug)) continue;
      await page.goto(`${server.url}?p=${p.slug}&lang=${lang}&backend=cpu${p.query ?? ''}${embed ? '&embed=1' : ''}`);
      await page.waitForSelector(p.ready, { timeout: SLOW });
      const where = `${p.slug} ${lang} ${vp.label}${embed ? ' embedded' : ''}`;
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${where}: <html lang>`);
      if (runAxe) {
        const found = await axe(page);
        tally[p.slug] = counts(found);
        for (const v of found.filter((v) => v.impact === 'critical' || v.impact === 'serious')) problems.push(`${where}: ${v.id} (${v.impact}, ${v.nodes}) ${v.targets.join(' | ')} — ${v.summary}`);
      }
      if (vp.isMobile) {
        const w = await widths(page);
        if (w.doc > vp.width || w.win !== vp.width) problems.push(`${where}: the page is ${w.doc} px wide on a ${vp.width} px screen (layout viewport ${w.win})`);
        if (!embed && shots) await page.screenshot({ path: join(ARTIFACTS, `phone-${p.slug}-${lang}.png`), fullPage: true });
      }
    }
  });
  return { problems, tally };
}

for (const lang of ['en', 'zh-Hant']) {
  test(`accessibility in ${lang}: every page at 1280 px and on a 360 px phone has no critical or serious axe violation and no sideways scrolling`, { timeout: 6 * SLOW }, async () => {
    const browser = await launch({ webgpu: false });
    try {
      const all = [];
      for (const vp of [DESKTOP, PHONE]) {
        const { problems, tally } = await pass(browser, lang, vp);
        all.push(...problems);
        const sum = Object.values(tally).reduce((a, c) => ({ critical: a.critical + c.critical, serious: a.serious + c.serious, moderate: a.moderate + c.moderate, minor: a.minor + c.minor }), { critical: 0, serious: 0, moderate: 0, minor: 0 });
        figure(`a11y.${lang}.${vp.label}`, JSON.stringify(sum));
      }
      assert.deepEqual(all, []);
    } finally {
      await browser.close();
    }
  });
}

test('embedded pages fit a 360 px phone-width iframe, and every page a 320 px screen, without sideways scrolling', { timeout: 4 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const embedded = await pass(browser, 'en', PHONE, { embed: true, runAxe: false });
    const small = await pass(browser, 'zh-Hans', { ...PHONE, label: 'small phone', width: 320, height: 640 }, { runAxe: false, shots: false });
    assert.deepEqual([...embedded.problems, ...small.problems], []);
  } finally {
    await browser.close();
  }
});

/** Each page's main action, reached with Tab alone and pressed with the keyboard, and what shows
 *  that it worked (`watch` returns a value that changes, or `done` turns true). */
const KEYBOARD = [
  { slug: 'home', target: '[data-testid=card-masking]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=page-masking]') },
  { slug: 'masking', query: `&m=bert-en&text=${encodeURIComponent('The capital of France is [MASK].')}`, ready: '[data-testid=prediction-card]', target: '[data-testid=chip-2]', keys: ['Enter'], watch: () => document.querySelectorAll('[data-testid=prediction-card]').length },
  { slug: 'pair', ready: '[data-testid=pair-result]', target: '[data-testid=pair-swapped]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=pair-a]')?.value },
  { slug: 'contextual', ready: '[data-testid=matrix-contextual]', target: '[data-testid=preset-bank]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=matrix-contextual]')?.dataset.matrix },
  { slug: 'qa', ready: '[data-testid=qa-answer]', target: '[data-testid=qa-question]', keys: ['Control+A', 'type:Who led the Apollo program?', 'Tab'], watch: () => document.querySelector('[data-testid=qa-answer]')?.textContent },
  { slug: 'classify', ready: '[data-testid=cls-result]', target: '[data-testid=cls-preset-1]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=cls-result]')?.dataset.class + document.querySelector('[data-testid=cls-text]')?.value },
  { slug: 'tagging', ready: '[data-testid=tag-result]', target: '[data-testid=tag-preset-1]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=tag-result]')?.dataset.words + document.querySelector('[data-testid=tag-text]')?.value },
  { slug: 'qnli', ready: '[data-testid=cls-result]', target: '[data-testid=cls-preset-1]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=cls-result]')?.dataset.class + document.querySelector('[data-testid=cls-text-b]')?.value },
  { slug: 'gpt', query: '&m=gpt-zh&prompt=%E5%8F%B0', ready: '[data-testid=gpt-candidate]', target: '[data-testid=gpt-candidate]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=gpt-output]')?.dataset.text },
  { slug: 'icl', ready: '[data-testid=icl-run-one]:not([disabled])', target: '[data-testid=icl-run-one]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=icl-answer]') },
  { slug: 'ae', ready: '[data-testid=ae-output][data-code]', target: '[data-testid=pick-1]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=ae-output]')?.dataset.mse },
  { slug: 'ae-denoise', ready: '[data-testid=denoise-output][data-restored-mse]', target: '[data-testid=noise-level]', keys: ['ArrowRight', 'ArrowRight'], watch: () => document.querySelector('[data-testid=denoise-output]')?.dataset.noisyMse },
  { slug: 'ae-latent', query: '&k=2', ready: '[data-testid=latent-map][data-points="1000"]', target: '[data-testid=latent-map]', keys: ['ArrowRight', 'ArrowUp'], watch: () => document.querySelector('[data-testid=latent-point]')?.textContent },
  { slug: 'ae-downstream', ready: '[data-testid=ds-table][data-done="6"]', target: '[data-testid=k-2]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=ds-table]')?.dataset.k },
  { slug: 'ae-codes', ready: '[data-testid=code-usage][data-used]', target: '[data-testid=cell-0]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=code-palette]') },
  { slug: 'ae-anomaly', ready: '[data-testid=anomaly-results][data-auc]', target: '[data-testid=anomaly-threshold]', keys: ['ArrowRight', 'ArrowRight'], watch: () => document.querySelector('[data-testid=anomaly-results]')?.dataset.threshold },
  { slug: 'ae-train', ready: '[data-testid=train-start]:not([disabled])', target: '[data-testid=train-start]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=live-curve][data-step]') },
  { slug: 'vision', ready: '[data-testid=fill-in][data-mse]', target: '[data-testid=patch-0]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=fill-in]')?.dataset.mask },
  { slug: 'multilingual', ready: '[data-testid=mix-share]', target: '[data-testid=mix-preset-0]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=mix-share]')?.dataset.language },
  { slug: 'benchmark', ready: '[data-testid=scoreboard]', target: '[data-testid=view-gain]', keys: ['Enter'], watch: () => document.querySelector('[data-testid=scoreboard]')?.dataset.view },
  { slug: 'diagnostics', ready: '[data-testid=bench]', target: '[data-testid=check-pretrained]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=golden-bert-zh]') },
  { slug: 'offline', ready: '[data-testid=model-table]', target: '[data-testid=offline-all]', keys: ['Enter'], done: () => !!document.querySelector('[data-testid=offline-progress], [data-testid=offline-done]') },
];

test('the keyboard alone reaches every page\'s main action and its result (Tab, Enter, arrows)', { timeout: 8 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    await withPage(browser, DESKTOP, async (page) => {
      const tabs = {};
      for (const k of KEYBOARD) {
        await page.goto(`${server.url}?p=${k.slug}&lang=en&backend=cpu${k.query ?? ''}`);
        await page.waitForSelector(k.ready ?? k.target, { timeout: SLOW });
        const before = k.watch ? await page.evaluate(k.watch) : null;
        let n = 0;
        while (!(await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, k.target))) {
          assert.ok(++n <= 150, `${k.slug}: ${k.target} not reached in 150 Tabs (focus on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`);
          await page.keyboard.press('Tab');
        }
        tabs[k.slug] = n;
        // Focus is visible where it lands.
        const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'; });
        assert.ok(outline, `${k.slug}: the focused ${k.target} shows no focus ring`);
        for (const key of k.keys) {
          if (key.startsWith('type:')) await page.keyboard.type(key.slice(5));
          else await page.keyboard.press(key);
        }
        if (k.watch) await page.waitForFunction(`(${k.watch.toString()})() !== ${JSON.stringify(before)}`, null, { timeout: SLOW }).catch(async (e) => { throw new Error(`${k.slug}: nothing changed after ${k.keys.join(', ')} on ${k.target} (${e.message.split('\n')[0]})`); });
        else await page.waitForFunction(k.done, null, { timeout: SLOW }).catch((e) => { throw new Error(`${k.slug}: no result after ${k.keys.join(', ')} on ${k.target} (${e.message.split('\n')[0]})`); });
      }
      figure('a11y.tabs_to_main_action', JSON.stringify(tabs));
    });
  } finally {
    await browser.close();
  }
});

test('on a phone, a digit drawn with a finger on the reconstruction page is reconstructed', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${server.url}?p=ae&lang=en&backend=cpu`);
      await page.waitForSelector('[data-testid=ae-output][data-code]', { timeout: SLOW });
      const before = await page.getByTestId('ae-output').getAttribute('data-mse');
      const pad = page.getByTestId('drawpad');
      await pad.scrollIntoViewIfNeeded();
      const box = await pad.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the pad (${box.x}–${box.x + box.width}) fits the ${PHONE.width} px screen`);
      // A finger's stroke: touch pointer events down the middle of the pad (a "1").
      await page.evaluate(({ x, y, h }) => {
        const pad = document.querySelector('[data-testid=drawpad]');
        const fire = (type, cy) => pad.dispatchEvent(new PointerEvent(type, { pointerType: 'touch', pointerId: 7, isPrimary: true, clientX: x, clientY: cy, bubbles: true, cancelable: true, buttons: type === 'pointerup' ? 0 : 1 }));
        fire('pointerdown', y + h * 0.15);
        for (let i = 1; i <= 12; i++) fire('pointermove', y + h * (0.15 + 0.7 * i / 12));
        fire('pointerup', y + h * 0.85);
      }, { x: box.x + box.width / 2, y: box.y, h: box.height });
      await page.waitForFunction((b) => document.querySelector('[data-testid=ae-output]')?.dataset.mse !== b, before, { timeout: SLOW });
      await page.screenshot({ path: join(ARTIFACTS, 'phone-ae-drawn.png'), fullPage: true });
    });
  } finally {
    await browser.close();
  }
});
