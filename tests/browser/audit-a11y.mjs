// The accessibility audit (a command, not a test): every page after its model has run, at desktop
// and phone size, in English and 繁體中文, on the CPU path; prints axe-core's violations by impact
// and the layout width, writes artifacts/a11y-audit.json and a phone screenshot of each page.
//   node tests/browser/audit-a11y.mjs [slug ...]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, ARTIFACTS } from './harness.mjs';
import { PAGES, VIEWPORTS, axe, counts, overflow } from './a11y.mjs';

const only = process.argv.slice(2);
const server = await serve();
const browser = await launch({ webgpu: false });
const rows = [];
try {
  for (const lang of ['en', 'zh-Hant']) {
    for (const vp of VIEWPORTS) {
      const ctx = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: vp.width, height: vp.height }, isMobile: vp.isMobile, hasTouch: vp.hasTouch, deviceScaleFactor: vp.deviceScaleFactor });
      const page = await ctx.newPage();
      for (const p of PAGES.filter((p) => !only.length || only.includes(p.slug))) {
        await page.goto(`${server.url}?p=${p.slug}&lang=${lang}&backend=cpu${p.query ?? ''}`);
        let ready = true;
        await page.waitForSelector(p.ready, { timeout: 180_000 }).catch(() => { ready = false; });
        await page.waitForTimeout(300);
        const v = await axe(page);
        const o = await overflow(page);
        const c = counts(v);
        rows.push({ slug: p.slug, lang, viewport: vp.label, ready, ...c, width: o.doc, device: vp.width, window: o.win, violations: v });
        console.log(`${p.slug.padEnd(12)} ${lang.padEnd(8)} ${vp.label.padEnd(8)} ready=${ready} critical ${c.critical} serious ${c.serious} moderate ${c.moderate} minor ${c.minor}  width ${o.doc}/${vp.width}  ${v.map((x) => `${x.id}(${x.impact[0]}${x.nodes})`).join(' ')}`);
        if (vp.label === 'phone') await page.screenshot({ path: join(ARTIFACTS, `phone-${p.slug}-${lang}.png`), fullPage: true });
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  server.stop();
}
writeFileSync(join(ARTIFACTS, 'a11y-audit.json'), JSON.stringify(rows, null, 2));
