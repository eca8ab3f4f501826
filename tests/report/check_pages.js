// Loads each page given in a real headless Chromium (Debian's, driven by
// playwright-core) and checks what a reader would see: no console error
// and no page error, no request leaving the file, every plot
// (figure.plot) with data points drawn in it, and a screenshot that is
// not blank. Usage: node check_pages.js CHROMIUM PAGE.html...
'use strict';
const { chromium } = require('playwright-core');

async function check(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`); });
  await page.goto('file://' + file, { waitUntil: 'load' });
  const plots = await page.evaluate(() => Array.from(document.querySelectorAll('figure.plot')).map((f) => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const drawn = svg ? svg.querySelectorAll('circle.pt, rect.cell, rect.box').length +
      Array.from(svg.querySelectorAll('polyline.series')).filter((p) => p.points.numberOfItems > 1).length : 0;
    return { title: (f.querySelector('div') || {}).textContent || '(untitled)', declared: Number(f.dataset.points),
      drawn, width: box.width, height: box.height };
  }));
  if (plots.length === 0) problems.push('no plot at all');
  for (const p of plots) {
    if (!(p.declared > 0)) problems.push(`plot "${p.title}": no data points declared`);
    if (p.drawn === 0) problems.push(`plot "${p.title}": nothing drawn`);
    if (p.width < 100 || p.height < 100) problems.push(`plot "${p.title}": ${p.width}x${p.height} px`);
  }
  // blank or not: the share of pixels that are not white, counted in the page itself
  const png = await page.screenshot({ fullPage: true });
  const inked = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++;
    return ink / (d.length / 4);
  }, png.toString('base64'));
  if (!(inked > 0.01)) problems.push(`screenshot is blank (${(100 * inked).toFixed(2)} % inked)`);
  await page.close();
  console.log(`${file}: ${plots.length} plots, ${(100 * inked).toFixed(1)} % of the screenshot inked` +
    (problems.length ? `\n  ${problems.join('\n  ')}` : ''));
  return problems.length === 0;
}

(async () => {
  const [exe, ...files] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  let ok = true;
  for (const f of files) ok = (await check(browser, f)) && ok;
  await browser.close();
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
