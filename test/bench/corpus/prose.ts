// A deterministic corpus of sales and marketing assets for the search benchmark: English and French documents
// whose words follow a Zipf–Mandelbrot law (a few words everywhere, a long tail of rare ones) with topical bursts,
// as real prose does. Everything derives from the asset number, so text is regenerated instead of kept in memory.

const EN_FUNCTION = `the of and to a in is that for it as was with be by on not he this are or his from at which but have an
they you were her she there been one all we their has would when if so no will can more who what up out about into than them
its only other new some could these two may first then do any like my now over such our most even made after also did many
before must through back years where much your way well down should because each just those how too little us state good very
make world still own see men work long get here between both life being under never day same another know while last might
great old year off come since against go came right used take three`.split(/\s+/);

const FR_FUNCTION = `de la le et les des en un une du est pour que qui dans par sur au pas plus ne se ce il sont avec nous
vous ou son sa ses aux leur leurs mais comme tout cette été être fait peut ont aussi bien sans entre deux très même elle
ils notre nos votre vos dont où après avant sous chez depuis encore tous toutes autre autres faire selon lors donc ainsi
alors car chaque moins premier première nouveau nouvelle grand grande année temps jour part cas`.split(/\s+/);

const DOMAIN_EN = `pricing price security compliance integration revenue pipeline onboarding customer customers platform
analytics dashboard report reporting roi cost savings efficiency workflow automation enterprise cloud data privacy gdpr
contract renewal discount proposal quote deal forecast quota territory account accounts partner partners channel
marketing campaign webinar whitepaper brochure datasheet deck presentation demo trial benchmark comparison competitor
competitive battlecard objection handling playbook case study testimonial reference success story implementation
migration deployment support service level agreement uptime availability scalability performance api sdk
architecture infrastructure network identity access management audit risk governance policy procurement budget
finance financial cfo cio cto executive summary strategy roadmap release feature features module modules license
licensing subscription billing invoice payment terms legal vendor evaluation checklist requirements rfp rfi
questionnaire certification iso soc encryption backup recovery incident monitoring alerting mobile app
collaboration productivity adoption training certification enablement coaching retention churn expansion upsell
cross sell healthcare hospital patient banking insurance retail ecommerce manufacturing supply chain logistics
public sector government education university energy utilities telecom media technology software hardware
consulting services analyst gartner forrester market share growth quarterly annual results board investor
sustainability carbon emissions diversity hiring recruiting talent employee experience engagement survey
benchmark index score rating review reviews feedback nps satisfaction loyalty brand positioning messaging
persona personas buyer journey awareness interest consideration intent purchase discovery qualification
negotiation closing signature handoff kickoff milestone timeline project plan template guide overview introduction
whitepapers ebook infographic video tutorial faq glossary specification specifications technical sheet`.split(/\s+/);

const DOMAIN_FR = `étude tarif tarifs sécurité conformité intégration chiffre affaires client clients plateforme tableau
bord rapport coût économies efficacité automatisation entreprise données confidentialité contrat renouvellement remise
proposition devis prévision partenaire partenaires canal campagne présentation démonstration essai comparaison
concurrent objection témoignage référence réussite déploiement migration assistance disponibilité performance
architecture réseau identité gestion audit risque gouvernance politique achats budget finances financier directeur
stratégie feuille route fonctionnalité licence abonnement facturation facture paiement conditions juridique fournisseur
évaluation exigences cahier charges certification chiffrement sauvegarde reprise incident surveillance mobile
collaboration productivité adoption formation accompagnement fidélisation croissance santé hôpital patient banque
assurance commerce industrie logistique chaîne approvisionnement secteur public éducation énergie télécoms médias
logiciel matériel conseil analyste marché résultats trimestriels annuels investisseurs durabilité carbone émissions
diversité recrutement talents employés expérience enquête satisfaction fidélité marque positionnement message
acheteur parcours découverte qualification négociation signature lancement jalon calendrier projet modèle guide
présentation introduction livre blanc vidéo tutoriel glossaire spécifications technique fiche équipe région
réunion décision responsable commercial commerciale ventes vente prospect prospects opportunité opportunités`.split(/\s+/);

const COMPANY_PARTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne',
  'soylent', 'aperture', 'vandelay', 'massive', 'dynamic', 'north', 'blue', 'orbit', 'quantum', 'summit', 'vertex', 'nova',
  'lumen', 'atlas', 'crédit', 'société', 'générale', 'maison', 'groupe', 'alpine', 'boréal', 'océan'];

export const PRODUCTS = ['Core', 'Insights', 'Connect', 'Vault', 'Flow', 'Pulse', 'Atlas', 'Beacon', 'Relay', 'Forge', 'Nimbus', 'Harbor'];

const KINDS = [['pdf', 'document'], ['pptx', 'presentation'], ['docx', 'document'], ['xlsx', 'spreadsheet'], ['mp4', 'video']] as const;

export const PERSONAS = ['cfo', 'cio', 'head-of-sales', 'marketing-leader', 'procurement', 'end-user'];
export const STAGES = ['awareness', 'interest', 'consideration', 'intent', 'evaluation', 'purchase'];
export const INDUSTRIES = ['financial-services', 'healthcare', 'manufacturing', 'retail', 'technology', 'public-sector'];

const DOC_TYPES_EN = ['Case study', 'Pricing guide', 'Battlecard', 'Product overview', 'Datasheet', 'Whitepaper', 'ROI calculator',
  'Customer story', 'Security overview', 'Implementation guide', 'Demo script', 'Objection handling', 'Competitive comparison',
  'Executive summary', 'Webinar recording', 'Solution brief', 'Onboarding checklist', 'Buyer guide'];
const DOC_TYPES_FR = ['Étude de cas', 'Guide tarifaire', 'Fiche produit', 'Livre blanc', 'Témoignage client', 'Présentation commerciale',
  'Guide de déploiement', 'Synthèse pour la direction', 'Comparatif concurrentiel', 'Fiche sécurité', 'Cahier des charges'];

/** Small, fast, seedable PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit xorshift draws, for the per-word decisions of the generator. */
function random32(seed: number): () => number {
  let x = (seed >>> 0) || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const capitals = new WeakMap<string[], string[]>();
/** The capitalised form of word `rank` of a vocabulary, made once. */
function capitalOf(list: string[], rank: number): string {
  let cache = capitals.get(list);
  if (!cache) { cache = new Array(list.length); capitals.set(list, cache); }
  return cache[rank] ??= capitalise(list[rank]!);
}

/** Walker's alias method: O(1) draws from a fixed discrete distribution. */
class AliasTable {
  private probability: Float64Array;
  private alias: Int32Array;
  constructor(weights: number[]) {
    const n = weights.length;
    const sum = weights.reduce((a, b) => a + b, 0);
    const scaled = weights.map((w) => (w * n) / sum);
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.probability[i] = 1;
  }
  /** A draw from a uniform 32-bit integer. */
  drawFrom(bits: number): number {
    const x = (bits / 4294967296) * this.probability.length;
    const i = Math.floor(x);
    return x - i < this.probability[i]! ? i : this.alias[i]!;
  }
  draw(rand: () => number): number {
    const n = this.probability.length;
    const x = rand() * n;
    const i = Math.floor(x);
    return x - i < this.probability[i]! ? i : this.alias[i]!;
  }
}

const SYLLABLES_EN = ['ba', 'be', 'bi', 'bo', 'ca', 'co', 'cu', 'da', 'de', 'di', 'do', 'fa', 'fe', 'fi', 'ga', 'go', 'ha', 'he', 'hi',
  'ka', 'ki', 'la', 'le', 'li', 'lo', 'lu', 'ma', 'me', 'mi', 'mo', 'na', 'ne', 'ni', 'no', 'pa', 'pe', 'pi', 'po', 'ra', 're', 'ri',
  'ro', 'ru', 'sa', 'se', 'si', 'so', 'ta', 'te', 'ti', 'to', 'tu', 'va', 've', 'vi', 'wa', 'we', 'za', 'ter', 'con', 'pro', 'ment',
  'tion', 'able', 'ing', 'ous', 'ness', 'ver', 'per', 'com', 'trans', 'struct', 'sens', 'form', 'port', 'duct', 'cept', 'ist'];
const SYLLABLES_FR = ['é', 'è', 'ré', 'dé', 'pré', 'ça', 'té', 'gé', 'lé', 'ment', 'tion', 'eux', 'ière', 'ance', 'eau', 'oir', 'age'];

export interface Vocabulary {
  en: string[];
  fr: string[];
  enTable: AliasTable;
  frTable: AliasTable;
  /** Words past the function words: what queries and topics are made of. */
  content: string[];
}

const VOCABULARY_SIZE = 60_000;

/** Builds the two vocabularies: function words first, then domain words, then a long synthetic tail. */
export function vocabulary(seed = 42): Vocabulary {
  const rand = random(seed);
  const seen = new Set<string>();
  const tail: string[] = [];
  const synth = (french: boolean) => {
    for (;;) {
      const parts = 2 + Math.floor(rand() * 3);
      let word = '';
      for (let i = 0; i < parts; i++) {
        const pool = french && rand() < 0.3 ? SYLLABLES_FR : SYLLABLES_EN;
        word += pool[Math.floor(rand() * pool.length)];
      }
      if (!seen.has(word) && word.length >= 3) { seen.add(word); return word; }
    }
  };
  for (const w of [...FR_FUNCTION, ...EN_FUNCTION, ...DOMAIN_EN, ...DOMAIN_FR]) seen.add(w);
  while (tail.length < VOCABULARY_SIZE) tail.push(synth(tail.length % 4 === 0));
  const build = (functionWords: string[], domain: string[], other: string[]) => {
    // Domain words spread through ranks 100–3000 among the synthetic ones, like content words in real text.
    const list = [...functionWords];
    const mixed = [...tail];
    const domainAll = [...domain, ...other.slice(0, 60)];
    domainAll.forEach((w, i) => mixed.splice(Math.floor((i * 3000) / domainAll.length + rand() * 40), 0, w));
    list.push(...mixed);
    return list.slice(0, VOCABULARY_SIZE);
  };
  const en = build(EN_FUNCTION, DOMAIN_EN, DOMAIN_FR);
  const fr = build(FR_FUNCTION, DOMAIN_FR, DOMAIN_EN);
  const zipf = (n: number) => Array.from({ length: n }, (_, r) => 1 / Math.pow(r + 2.7, 1.07));
  return {
    en, fr, enTable: new AliasTable(zipf(en.length)), frTable: new AliasTable(zipf(fr.length)),
    content: en.slice(EN_FUNCTION.length, 8000),
  };
}

export interface CorpusAsset {
  title: string;
  description: string;
  tags: string[];
  filename: string;
  kind: string;
  language: 'en' | 'fr';
  personas: string[];
  stages: string[];
  products: string[];
  industries: string[];
  text: string;
  /** Days since approval (for freshness) and uses in the last months (for the usage boost). */
  ageDays: number;
  uses: number;
}

const pick = <T>(rand: () => number, list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
const pickSome = <T>(rand: () => number, list: readonly T[], min: number, max: number) => {
  const n = min + Math.floor(rand() * (max - min + 1));
  const out = new Set<T>();
  while (out.size < n) out.add(pick(rand, list));
  return [...out];
};
const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * Asset number `i` of the corpus; the same every time. The text comes from its own random stream, so
 * `{ text: false }` gives the same metadata without the cost of writing 3,000 words.
 */
export function corpusAsset(vocab: Vocabulary, i: number, options: { words?: number; text?: boolean } = {}): CorpusAsset {
  const rand = random(1_000_003 * (i + 1));
  const language = rand() < 0.75 ? 'en' : 'fr';
  const list = language === 'en' ? vocab.en : vocab.fr;
  const table = language === 'en' ? vocab.enTable : vocab.frTable;
  // Each document has its own topic: a few mid-frequency words it repeats, as real documents do.
  const topic = Array.from({ length: 20 }, () => list[120 + Math.floor(Math.pow(rand(), 2) * 6000)]!);
  const company = `${capitalise(pick(rand, COMPANY_PARTS))} ${capitalise(pick(rand, COMPANY_PARTS))}`;
  const product = pick(rand, PRODUCTS);
  const docType = pick(rand, language === 'en' ? DOC_TYPES_EN : DOC_TYPES_FR);
  const title = `${docType}: ${company} ${language === 'en' ? 'and' : 'et'} ${product} ${capitalise(topic[0]!)} ${topic[1]}`;
  const descriptionWords = Array.from({ length: 15 + Math.floor(rand() * 25) }, (_, k) =>
    k % 5 === 0 ? pick(rand, topic) : list[table.draw(rand)]!);
  const [extension, kind] = pick(rand, KINDS);
  const ageDays = Math.floor(Math.pow(rand(), 2) * 900);
  return {
    title,
    description: `${capitalise(descriptionWords.join(' '))}.`,
    tags: [...new Set([topic[2]!, topic[3]!, pick(rand, DOMAIN_EN), product.toLowerCase()])],
    filename: `${title.replace(/[^\p{L}\p{N}]+/gu, '_')}_v${1 + Math.floor(rand() * 4)}.${extension}`,
    kind,
    language,
    personas: pickSome(rand, PERSONAS, 1, 2),
    stages: pickSome(rand, STAGES, 1, 2),
    products: pickSome(rand, PRODUCTS.map((p) => p.toLowerCase()), 0, 2),
    industries: pickSome(rand, INDUSTRIES, 0, 2),
    text: options.text === false ? '' : corpusText(list, table, topic, i, options.words),
    ageDays,
    // Most assets are never used; a few are used a lot (the 60–80 % unused of the industry studies).
    uses: rand() < 0.3 ? Math.floor(Math.pow(rand(), 3) * 200) : 0,
  };
}

/** 1,000–5,000 words of prose: Zipf-distributed vocabulary, the document's topic words, sentences, numbers. */
function corpusText(list: string[], table: AliasTable, topic: string[], i: number, words?: number): string {
  const bits = random32(1_000_003 * (i + 1) + 17);
  const total = words ?? 1000 + (bits() % 4001);
  const topicCapitals = topic.map(capitalise);
  const parts: string[] = new Array(total);
  let sentence = 0;
  let sentenceLength = 8 + (bits() % 14);
  for (let w = 0; w < total; w++) {
    // One 32-bit draw decides topic word (6 %), number (0.4 %) and punctuation; a second one picks the word.
    const x = bits();
    const start = sentence === 0;
    let word: string;
    if (((x >>> 16) & 0x3ff) < 4) word = String((x >>> 20) % 2000);
    else if ((x & 0xff) < 15) word = (start ? topicCapitals : topic)[(x >>> 8) % 20]!;
    else {
      const rank = table.drawFrom(bits());
      word = start ? capitalOf(list, rank) : list[rank]!;
    }
    sentence++;
    if (sentence >= sentenceLength) {
      word += ((x >>> 26) & 63) < 10 ? '.\n' : '.';
      sentence = 0;
      sentenceLength = 8 + ((x >>> 27) % 14);
    } else if (((x >>> 8) & 0xff) >= 240) word += ',';
    parts[w] = word;
  }
  // join makes one flat string, as text read from the database is (a rope of += would be flattened later, at a cost).
  return parts.join(' ');
}

export interface BenchQuery {
  q: string;
  filters: Record<string, string[]>;
  type: 'word' | 'two words' | 'prefix' | 'typo' | 'filtered' | 'label' | 'accents' | 'common';
}

/** The fixed query set: one and two words, prefixes, typos, with and without filters. */
export function benchQueries(vocab: Vocabulary, count = 500, seed = 7): BenchQuery[] {
  const rand = random(seed);
  const content = vocab.content;
  // Sales type content words, mostly the frequent ones.
  const word = () => content[Math.floor(Math.pow(rand(), 2.2) * content.length)]!;
  const domain = () => pick(rand, [...DOMAIN_EN, ...DOMAIN_FR]);
  const typo = (w: string) => {
    const edits = w.length >= 9 ? 2 : 1;
    let out = w;
    for (let e = 0; e < edits; e++) {
      const at = 1 + Math.floor(rand() * (out.length - 2));
      const op = Math.floor(rand() * 3);
      if (op === 0) out = out.slice(0, at) + out.slice(at + 1);
      else if (op === 1) out = out.slice(0, at) + out[at + 1] + out[at] + out.slice(at + 2);
      else out = out.slice(0, at) + pick(rand, [...'aeioustrnl']) + out.slice(at + 1);
    }
    return out;
  };
  const filters = (): Record<string, string[]> => {
    const choice = Math.floor(rand() * 4);
    if (choice === 0) return { persona: [pick(rand, PERSONAS)] };
    if (choice === 1) return { stage: [pick(rand, STAGES)], language: ['en'] };
    if (choice === 2) return { kind: ['presentation'] };
    return { industry: [pick(rand, INDUSTRIES)], persona: [pick(rand, PERSONAS)] };
  };
  const queries: BenchQuery[] = [];
  while (queries.length < count) {
    const r = rand();
    if (r < 0.2) queries.push({ q: rand() < 0.5 ? domain() : word(), filters: {}, type: 'word' });
    else if (r < 0.4) queries.push({ q: `${domain()} ${rand() < 0.5 ? domain() : word()}`, filters: {}, type: 'two words' });
    else if (r < 0.58) {
      const w = rand() < 0.6 ? domain() : word();
      const prefix = w.slice(0, Math.min(w.length, 2 + Math.ceil(rand() * 5)));
      queries.push({ q: rand() < 0.4 ? `${domain()} ${prefix}` : prefix, filters: {}, type: 'prefix' });
    } else if (r < 0.73) {
      const w = [domain(), domain(), word()].find((x) => x.length >= 5) ?? 'security';
      queries.push({ q: rand() < 0.3 ? `${domain()} ${typo(w)}` : typo(w), filters: {}, type: 'typo' });
    } else if (r < 0.9) queries.push({ q: rand() < 0.5 ? domain() : `${domain()} ${word()}`, filters: filters(), type: 'filtered' });
    else if (r < 0.95) queries.push({ q: pick(rand, ['cfo', 'evaluation', 'head of sales', 'procurement', 'healthcare', 'awareness', 'public sector']), filters: {}, type: 'label' });
    else if (r < 0.98) queries.push({ q: pick(rand, ['etude de cas', 'securite', 'donnees clients', 'livre blanc', 'temoignage', 'strategie']), filters: {}, type: 'accents' });
    else queries.push({ q: pick(rand, ['the', 'de', 'and data', 'pour les', 'new']), filters: {}, type: 'common' });
  }
  return queries;
}
