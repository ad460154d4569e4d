// npm run demo: fills an instance with demo users and a realistic library, so the product can be tried at once.
// Uses the same services as the API (nothing bypasses the upload checks or the workflow); with a server running on the
// embedded database, the server runs it, so the library is searchable the moment it is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import type { CurrentUser, Role } from '../auth/roles.ts';
import { defineCommand, UsageError } from './command.ts';

const PASSWORD = 'demo-password';
const PEOPLE: { email: string; name: string; role: Role }[] = [
  { email: 'maya@demo.local', name: 'Maya Marketing', role: 'marketing' },
  { email: 'arno@demo.local', name: 'Arno Approver', role: 'approver' },
  { email: 'sam@demo.local', name: 'Sam Sales', role: 'sales' },
];

interface DemoAsset { title: string; description: string; personas: string[]; stages: string[]; industries?: string[]; language?: string; tags: string[]; kind: 'pdf' | 'png'; state: 'approved' | 'in_review' | 'draft'; pages?: string[] }

const LIBRARY: DemoAsset[] = [
  { title: 'ROI calculator for finance leaders', description: 'Three-year total cost of ownership and payback model.', personas: ['cfo'], stages: ['evaluation'], tags: ['roi', 'tco'], kind: 'pdf', state: 'approved', pages: ['Return on investment', 'Payback in 14 months', 'Assumptions'] },
  { title: 'Security and compliance whitepaper', description: 'SOC 2, ISO 27001, data residency and encryption at rest.', personas: ['cio'], stages: ['consideration', 'evaluation'], industries: ['financial-services', 'healthcare'], tags: ['security', 'compliance'], kind: 'pdf', state: 'approved', pages: ['Security overview', 'Encryption and key management', 'Certifications'] },
  { title: 'Étude de cas — Banque Alpine', description: 'Comment une banque régionale a réduit ses délais de 40 %.', personas: ['cfo', 'head-of-sales'], stages: ['intent'], industries: ['financial-services'], language: 'fr', tags: ['case study', 'banque'], kind: 'pdf', state: 'approved', pages: ['Étude de cas', 'Résultats'] },
  { title: 'Case study: Northwind Retail', description: 'Store-level analytics rolled out to 300 shops in eight weeks.', personas: ['head-of-sales', 'marketing-leader'], stages: ['intent', 'evaluation'], industries: ['retail'], language: 'en', tags: ['case study'], kind: 'pdf', state: 'approved', pages: ['Northwind Retail', 'Results after one quarter'] },
  { title: 'Product overview one-pager', description: 'What the platform does, in one page.', personas: ['end-user', 'marketing-leader'], stages: ['awareness', 'interest'], tags: ['overview'], kind: 'pdf', state: 'approved', pages: ['The platform in one page'] },
  { title: 'Procurement FAQ', description: 'Contract terms, invoicing, data processing agreement.', personas: ['procurement'], stages: ['purchase'], tags: ['faq', 'legal'], kind: 'pdf', state: 'approved', pages: ['Procurement questions', 'Data processing agreement'] },
  { title: 'Industry trends report 2026', description: 'Survey of 1,200 operations leaders.', personas: ['cio', 'marketing-leader'], stages: ['awareness'], tags: ['report', 'research'], kind: 'pdf', state: 'approved', pages: ['Trends report', 'Key findings', 'Methodology'] },
  { title: 'Competitive battlecard', description: 'How we compare, objection handling, proof points.', personas: ['head-of-sales'], stages: ['evaluation'], tags: ['battlecard', 'competition'], kind: 'pdf', state: 'approved', pages: ['Battlecard', 'Objections'] },
  { title: 'Implementation plan template', description: 'A 90-day rollout plan to adapt with the customer.', personas: ['cio', 'end-user'], stages: ['purchase'], tags: ['onboarding'], kind: 'pdf', state: 'in_review', pages: ['90-day plan'] },
  { title: 'Healthcare solution brief', description: 'Patient data workflows with audit trails.', personas: ['cio'], stages: ['consideration'], industries: ['healthcare'], tags: ['brief'], kind: 'pdf', state: 'in_review', pages: ['Healthcare brief'] },
  { title: 'Webinar banner — spring launch', description: 'Banner for the spring launch webinar invitations.', personas: ['marketing-leader'], stages: ['awareness'], tags: ['banner', 'webinar'], kind: 'png', state: 'approved' },
  { title: 'Pricing sheet (draft)', description: 'New tiers, not yet approved.', personas: ['cfo', 'procurement'], stages: ['intent'], tags: ['pricing'], kind: 'pdf', state: 'draft', pages: ['Pricing'] },
  { title: 'Manufacturing customer quote card', description: 'Quote card for social posts.', personas: ['end-user'], stages: ['interest'], industries: ['manufacturing'], tags: ['social'], kind: 'png', state: 'approved' },
];

async function pdfFile(title: string, pages: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const ascii = (s: string) => s.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
  for (const [i, heading] of pages.entries()) {
    const page = doc.addPage([842, 595]);
    page.drawRectangle({ x: 0, y: 515, width: 842, height: 80, color: rgb(0.15, 0.33, 0.85) });
    page.drawText(ascii(title), { x: 40, y: 545, size: 24, font: bold, color: rgb(1, 1, 1) });
    page.drawText(ascii(heading), { x: 40, y: 450, size: 32, font: bold, color: rgb(0.1, 0.12, 0.2) });
    page.drawText(`Page ${i + 1} of ${pages.length}`, { x: 40, y: 40, size: 12, font, color: rgb(0.4, 0.4, 0.45) });
  }
  doc.setTitle(ascii(title));
  return Buffer.from(await doc.save());
}

async function pngFile(title: string, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,45%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},70%,35%)"/></linearGradient></defs><rect width="1200" height="630" fill="url(#g)"/><text x="60" y="340" font-family="sans-serif" font-size="56" font-weight="700" fill="#fff">${title.replace(/[<&>]/g, '')}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export default defineCommand({
  usage: 'usage: npm run demo   (adds demo users and a small tagged library; does nothing when they are there already)',

  parse(argv) {
    if (argv.length) throw new UsageError(`npm run demo takes no arguments, got ${argv.join(' ')}`);
    return {};
  },

  async run({ services: { auth, assets, blobs, config, usage }, out }) {
    if (await auth.findUserByEmail(PEOPLE[0]!.email)) {
      out.print('the demo data is already here; sign in as one of:');
    } else {
      const users = new Map<Role, CurrentUser>();
      for (const person of PEOPLE) users.set(person.role, await auth.createUser({ ...person, password: PASSWORD }));
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-demo-'));
      try {
        for (const [i, item] of LIBRARY.entries()) {
          const content = item.kind === 'pdf' ? await pdfFile(item.title, item.pages ?? [item.title]) : await pngFile(item.title, i * 47);
          const file = path.join(tmp, `${i}.${item.kind}`);
          fs.writeFileSync(file, content);
          const received = await blobs.receive(fs.createReadStream(file), config.maxUploadBytes, () => new Error('too large'));
          const fileName = `${item.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase()}.${item.kind}`;
          const asset = await assets.create(users.get('marketing')!, {
            title: item.title, description: item.description, personas: item.personas, stages: item.stages,
            industries: item.industries ?? [], tags: item.tags, language: item.language ?? 'en',
          }, { received, fileName });
          if (item.state !== 'draft') await assets.submit(users.get('marketing')!, asset.id);
          if (item.state === 'approved') {
            await assets.approve(users.get('approver')!, asset.id, 'Looks good');
            // Some use by sales, so the library and reports have something to show.
            for (let n = 0; n < (i * 7) % 5; n++) await usage.record(users.get('sales')!, { assetId: asset.id, kind: n % 2 ? 'download' : 'view' });
          }
          out.progress(`created ${i + 1}/${LIBRARY.length} assets`);
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      out.print('demo data created; sign in as one of:');
    }
    for (const person of PEOPLE) out.print(`  ${person.email.padEnd(20)} ${PASSWORD}   (${person.role})`);
    return 0;
  },
});
