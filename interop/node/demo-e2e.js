// Browser end-to-end test of the feathers4j chat demo, driven by JUnit (ChatDemoBrowserTest).
// Headless Chromium (the distribution's package) through playwright-core:
//   node demo-e2e.js <urlA> <urlB> <outDir>
// Opens the page of instance A and of instance B, sends a message on each and waits for it to
// appear live on the other, tagged with the instance that created it; then shows both side by
// side, sends one more and takes screenshots into outDir (demo-e2e.png, demo-e2e-a.png, demo-e2e-b.png).
// Prints `RESULT <json>` and exits 0 when everything was seen, non-zero with a message otherwise.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [urlA, urlB, outDir] = process.argv.slice(2);
if (!urlA || !urlB || !outDir) {
  console.error('usage: node demo-e2e.js <urlA> <urlB> <outDir>');
  process.exit(2);
}
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 20000;

async function connectedInstance(page) {
  await page.waitForSelector('body[data-state="connected"]', { timeout: TIMEOUT });
  return page.$eval('#me', (e) => e.textContent);
}

// Chromium throttles background tabs, which would add seconds to what we measure: the sending
// page comes to the front first.
async function send(page, name, text) {
  await page.bringToFront();
  await page.fill('#name', name);
  await page.fill('#text', text);
  await page.click('#send-button');
}

// Waits until `page` (or frame) shows a message with this text; returns the instance chip's text.
async function seen(page, text) {
  const msg = page.locator('.msg', { has: page.locator('.text', { hasText: text }) });
  await msg.first().waitFor({ timeout: TIMEOUT });
  return msg.first().locator('.chip').textContent();
}

async function main() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(EXECUTABLE + ' is missing: install the packages chromium and chromium-driver (scripts/services.sh chromium)');
  }
  fs.mkdirSync(outDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'feathers4j-demo-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    viewport: { width: 820, height: 640 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const result = {};
  const consoleErrors = [];
  const pages = [];
  try {
    const nonce = Date.now().toString(36);
    const pageA = await context.newPage();
    const pageB = await context.newPage();
    pages.push(pageA, pageB);
    for (const p of [pageA, pageB]) {
      p.on('pageerror', (e) => consoleErrors.push(String(e)));
      p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    }
    // no request may leave for another host: the page must work offline
    const foreign = [];
    context.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && !u.protocol.startsWith('data')
          && u.protocol !== 'about:') foreign.push(r.url());
    });
    await pageA.goto(urlA);
    await pageB.goto(urlB);
    result.instanceA = await connectedInstance(pageA);
    result.instanceB = await connectedInstance(pageB);

    const textA = 'Hello from ' + result.instanceA + ' (' + nonce + ')';
    let t0 = Date.now();
    await send(pageA, 'Ada', textA);
    result.chipOnB = await seen(pageB, textA);
    result.msAtoB = Date.now() - t0;
    result.chipOnA = await seen(pageA, textA);

    const textB = 'Hi Ada, this is ' + result.instanceB + ' (' + nonce + ')';
    t0 = Date.now();
    await send(pageB, 'Grace', textB);
    result.chipOnAfromB = await seen(pageA, textB);
    result.msBtoA = Date.now() - t0;

    await pageA.screenshot({ path: path.join(outDir, 'demo-e2e-a.png') });
    await pageB.screenshot({ path: path.join(outDir, 'demo-e2e-b.png') });

    // both instances side by side, for the README: a fresh client on each loads the history,
    // then one more message goes live from the left to the right
    const both = await context.newPage();
    pages.push(both);
    both.on('pageerror', (e) => consoleErrors.push(String(e)));
    both.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await both.setViewportSize({ width: 1280, height: 720 });
    await both.setContent(
      '<!doctype html><html><body style="margin:0;display:flex;gap:8px;background:#c9ced8;padding:8px;height:100vh;box-sizing:border-box">' +
      '<iframe id="a" src="' + urlA + '" style="flex:1;border:0;border-radius:8px;background:#fff"></iframe>' +
      '<iframe id="b" src="' + urlB + '" style="flex:1;border:0;border-radius:8px;background:#fff"></iframe>' +
      '</body></html>');
    const frameA = both.frameLocator('#a');
    const frameB = both.frameLocator('#b');
    await frameA.locator('body[data-state="connected"]').waitFor({ timeout: TIMEOUT });
    await frameB.locator('body[data-state="connected"]').waitFor({ timeout: TIMEOUT });
    result.historyOnB = await seen(frameB, textA);
    const textLive = 'Typed on ' + result.instanceA + ', seen live on ' + result.instanceB + ' (' + nonce + ')';
    await frameA.locator('#name').fill('Ada');
    await frameA.locator('#text').fill(textLive);
    await frameA.locator('#send-button').click();
    result.liveChipOnB = await seen(frameB, textLive);
    await both.waitForTimeout(300); // let the scroll settle
    await both.screenshot({ path: path.join(outDir, 'demo-e2e.png') });

    result.foreignRequests = foreign;
    result.consoleErrors = consoleErrors;
  } catch (e) {
    // keep what the pages showed, to see why
    for (let i = 0; i < pages.length; i++) {
      await pages[i].screenshot({ path: path.join(outDir, 'demo-e2e-failure-' + i + '.png') }).catch(() => {});
    }
    if (consoleErrors.length) console.error('browser console errors: ' + JSON.stringify(consoleErrors));
    throw e;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log('RESULT ' + JSON.stringify(result));
}

main().catch((e) => {
  console.error('demo-e2e failed: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
