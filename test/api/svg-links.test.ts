// An uploaded SVG whose links hide behind another prefix for the xlink namespace fetches nothing and draws nothing
// from outside, neither when it is processed (thumbnail) nor when it is previewed.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';

const t = useTestApp({ signIn: ['marketing'] });
let server: http.Server;
let origin: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.setHeader('Content-Type', 'image/png');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => { server.close(); });

describe('SVG links under another prefix', () => {
  it('renders the SVG with none of its external images: the listening server gets no request, no local file is drawn', async () => {
    // A red square on disk: were the file:// link followed, the top half of the picture would be red.
    const red = path.join(t.config.dataDir, 'red.png');
    fs.writeFileSync(red, await sharp({ create: { width: 40, height: 40, channels: 3, background: '#ff0000' } }).png().toBuffer());
    const svg = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:q="http://www.w3.org/1999/xlink" width="200" height="100">
  <rect width="200" height="100" fill="#ffffff"/>
  <image q:href="file://${red}" width="200" height="50"/>
  <image q:href="${origin}/prefixed.png" y="50" width="200" height="50"/>
  <g xmlns:z="http://www.w3.org/1999/xlink"><use z:href="${origin}/sprite.svg#icon"/><image z:href="${origin}/nested.png" width="10" height="10"/></g>
</svg>`;
    const res = await upload(t, t.marketing, {}, { name: 'logo.svg', content: Buffer.from(svg), type: 'image/svg+xml' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    await t.app.services.processing.drain();
    for (const kind of ['thumbnail', 'preview']) {
      const picture = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/${kind}`, headers: t.marketing });
      expect(picture.statusCode).toBe(200);
      expect(picture.headers['content-type']).toBe('image/webp');
      const { data, info } = await sharp(picture.rawPayload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const redPixels = Array.from({ length: info.width * info.height }, (_, i) => i * 3)
        .filter((i) => data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! < 80).length;
      expect(redPixels, `red pixels in the ${kind}`).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toEqual([]);
  });
});
