// What the demo instance holds: its people, a library of a few dozen assets for a fictional analytics vendor
// ("Lumen Analytics") tagged across every persona and stage of the default taxonomy, and how much sales use each
// asset. The skew is deliberate, as in real libraries: a handful of assets carry most of the use, most are never
// used, and a few persona × stage cells have no content at all, so every usage report has something to say.
import type { Role } from '../auth/roles.ts';
import type { Section } from './demo-content.ts';

export const DEMO_PASSWORD = 'demo-password';

export interface DemoPerson { email: string; name: string; role: Exclude<Role, 'admin'>; /** How much of the use a salesperson does, relative to the others. */ activity?: number }

/** The first one marks the demo as made: when it exists, the demo does nothing. */
export const PEOPLE: DemoPerson[] = [
  { email: 'maya@demo.local', name: 'Maya Marketing', role: 'marketing' },
  { email: 'nina@demo.local', name: 'Nina Content', role: 'marketing' },
  { email: 'arno@demo.local', name: 'Arno Approver', role: 'approver' },
  { email: 'sam@demo.local', name: 'Sam Sales', role: 'sales', activity: 1 },
  { email: 'priya@demo.local', name: 'Priya Patel', role: 'sales', activity: 1.6 },
  { email: 'jordan@demo.local', name: 'Jordan Reyes', role: 'sales', activity: 1.2 },
  { email: 'lukas@demo.local', name: 'Lukas Becker', role: 'sales', activity: 0.8 },
  { email: 'chloe@demo.local', name: 'Chloé Martin', role: 'sales', activity: 0.5 },
];

/** How an asset's use moves over the 90 days: even, growing towards today, or fading out. */
export type Trend = 'steady' | 'rising' | 'fading';

export interface DemoAsset {
  title: string;
  description: string;
  personas: string[];
  stages: string[];
  industries?: string[];
  language?: string;
  tags: string[];
  format: 'pdf' | 'png' | 'docx' | 'pptx';
  state: 'approved' | 'in_review' | 'draft' | 'archived';
  /** Marketing's owner, by email; Maya when unset. */
  owner?: string;
  /** How many days ago it went live (approved), or was uploaded when it never was. */
  ageDays: number;
  expiresInDays?: number;
  /** The text of a document (pdf, docx, pptx). */
  sections?: Section[];
  /** What a picture (png) shows. */
  picture?: { style: 'banner' | 'infographic' | 'quote'; /** The big text; the title when unset. */ headline?: string; subtitle: string; figures?: [string, string][] };
  /** Occasions on which sales used it in the last 90 days (a search and a click, a view, a download…); none when unset. */
  uses?: number;
  trend?: Trend;
  /** Occasions of use before the 90 days, for assets that were used once and then no more. */
  earlierUses?: number;
  /** What salespeople type to find it; the first is the most common. */
  queries?: string[];
}

/** Persona × stage cells the library leaves empty on purpose, for the coverage report to show. */
export const DELIBERATE_GAPS: [persona: string, stage: string][] = [
  ['procurement', 'awareness'],
  ['procurement', 'interest'],
  ['end-user', 'intent'],
];

/** Searches sales ran that found nothing: content nobody has made yet (some with filters naming a cell). */
export const FRUITLESS_SEARCHES: { query: string; filters?: Record<string, string[]>; weight: number }[] = [
  { query: 'pricing for healthcare', filters: { industry: ['healthcare'] }, weight: 6 },
  { query: 'Pricing for Healthcare', weight: 2 },
  { query: 'pricng for healthcare', weight: 1 },
  { query: 'soc 2 type ii', weight: 5 },
  { query: 'SOC 2 Type II report', weight: 3 },
  { query: 'soc2 type 2', weight: 2 },
  { query: 'procurement overview', filters: { persona: ['procurement'], stage: ['awareness'] }, weight: 4 },
  { query: 'vendor comparison', filters: { persona: ['procurement'], stage: ['interest'] }, weight: 3 },
  { query: 'business case for end users', filters: { persona: ['end-user'], stage: ['intent'] }, weight: 3 },
  { query: 'hipaa baa template', filters: { industry: ['healthcare'], stage: ['purchase'] }, weight: 3 },
  { query: 'public sector case study', filters: { industry: ['public-sector'] }, weight: 3 },
  { query: 'roi for hospitals', filters: { persona: ['cfo'], industry: ['healthcare'] }, weight: 2 },
  { query: 'Fallstudie Bank', filters: { language: ['de'] }, weight: 1 },
  { query: 'onboarding video', weight: 2 },
  { query: 'partner pricing', filters: { stage: ['intent'] }, weight: 2 },
  { query: 'Procurement Overview', filters: { persona: ['procurement'], stage: ['awareness'] }, weight: 1 },
];

/** Searches whose hits sales looked at without opening any: not what they wanted. */
export const UNCLICKED_SEARCHES: string[] = [
  'case study', 'security', 'pricing', 'overview deck', 'analytics', 'compliance', 'retail', 'customer story', 'integration', 'template',
];

const ABOUT: Section = {
  heading: 'About Lumen Analytics',
  paragraphs: [
    'Lumen Analytics gives operations, finance and sales teams one place to see what is happening in the business and what is likely to happen next. More than 900 companies in 24 countries run their daily reporting, forecasting and planning on Lumen.',
    'Lumen connects to the systems a company already runs — ERP, CRM, point of sale, ticketing and spreadsheets — and keeps every dashboard current within minutes. Customers typically retire a third of their manual reports within the first quarter.',
    'Talk to your account team to arrange a workshop, a proof of value on your own data, or a reference call with a customer in your industry.',
  ],
};

export const LIBRARY: DemoAsset[] = [
  // ---- CFO ----
  {
    title: 'ROI calculator for finance leaders', description: 'Three-year total cost of ownership and payback model, with the assumptions spelled out.',
    personas: ['cfo'], stages: ['evaluation', 'intent'], tags: ['roi', 'tco', 'finance'], format: 'pdf', state: 'approved', ageDays: 240,
    uses: 240, trend: 'steady', queries: ['roi calculator', 'ROI', 'payback', 'roi calcualtor', 'business value'],
    sections: [
      { heading: 'Return on investment in three years', paragraphs: [
        'Finance leaders ask two questions before any analytics purchase: how soon does it pay for itself, and what does it replace. This model answers both with figures from 38 mid-sized customers, measured twelve and thirty-six months after go-live.',
        'The median customer reached payback in 14 months. The largest savings came from retiring manual month-end reporting (41 % of the benefit), fewer stock-outs and write-offs (27 %) and faster pricing decisions (18 %).',
      ], chart: { caption: 'Cumulative net benefit, € thousands', bars: [['Year 0', 0], ['Year 1', 180], ['Year 2', 610], ['Year 3', 1140]] } },
      { heading: 'Payback in 14 months', paragraphs: [
        'Subscription and implementation costs are front-loaded; benefits start in the second quarter, once the first dashboards replace spreadsheets. Most customers are cash-positive on the project before their first renewal.',
        'The model is deliberately conservative: it counts only savings a controller can verify, such as hours of reporting work removed and inventory carried, and leaves out revenue upside.',
      ] },
      { heading: 'Assumptions you can change', paragraphs: [
        'Every figure in the model is an input: the number of analysts, their loaded cost, the hours spent on recurring reports, inventory value and carrying cost. Replace our medians with your own and the payback recalculates.',
        'We recommend reviewing the assumptions with your controller and your account team together; most finance teams finish the exercise in a single one-hour session.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'Total cost of ownership comparison', description: 'Lumen against building in-house and against legacy BI suites, over five years.',
    personas: ['cfo', 'procurement'], stages: ['consideration', 'evaluation'], tags: ['tco', 'finance', 'comparison'], format: 'pdf', state: 'approved', ageDays: 200,
    uses: 45, trend: 'steady', queries: ['tco', 'total cost of ownership', 'cost comparison'],
    sections: [
      { heading: 'Three ways to get to the same dashboards', paragraphs: [
        'Companies that want reliable operational reporting choose between building on a data warehouse with in-house engineers, extending a legacy BI suite, or subscribing to a platform such as Lumen. Each has a different cost profile.',
        'This comparison follows a company with 400 report users over five years and counts licences, infrastructure, engineering time, training and the cost of reports that arrive late.',
      ], chart: { caption: 'Five-year cost, € thousands', bars: [['Build', 2350], ['Legacy BI', 1870], ['Lumen', 1090]] } },
      { heading: 'Where the money goes', paragraphs: [
        'In-house builds are cheap to start and expensive to keep: two thirds of their five-year cost is the engineering needed to keep connectors and models working as source systems change.',
        'Legacy suites carry high licence costs and long upgrade projects. Lumen concentrates cost in a predictable subscription, with connectors and upgrades maintained by us.',
      ] },
      { heading: 'How to use this comparison', paragraphs: [
        'Procurement and finance teams use this document to frame the build-versus-buy decision early. The figures are medians; your account team can rerun them with your own user counts and salary costs.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'CFO guide to analytics budgeting', description: 'How finance leaders plan and defend an analytics budget.',
    personas: ['cfo'], stages: ['awareness', 'interest'], tags: ['finance', 'guide', 'budget'], format: 'pdf', state: 'approved', ageDays: 420,
    earlierUses: 12, queries: ['budget'],
    sections: [
      { heading: 'Why analytics budgets are hard to defend', paragraphs: [
        'Analytics spending sits between IT and the business, so it is often nobody’s line item. Finance leaders who get it approved treat it like any other investment: a clear owner, measurable outcomes and a review date.',
        'This guide collects what we learned from 60 CFOs who put an analytics budget through their board in the last two years.',
      ] },
      { heading: 'A budget in three parts', paragraphs: [
        'Split the budget into a foundation (data connections and a single set of definitions), a first use case with a measurable result, and a reserve for the second and third use cases that the first one will inspire.',
        'Boards approve foundations more readily when the first use case pays for them within the fiscal year.',
      ] },
      { heading: 'Measuring the result', paragraphs: [
        'Agree on two or three measures before the project starts — hours of manual reporting removed, forecast accuracy, days to close — and report them every quarter.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'Business case template', description: 'A Word template for the internal business case, ready to fill in with the customer.',
    personas: ['cfo', 'head-of-sales'], stages: ['intent'], tags: ['template', 'business case'], format: 'docx', state: 'approved', ageDays: 150,
    sections: [
      { heading: 'Executive summary', paragraphs: ['State the problem, the proposed solution and the expected return in three sentences. Decision makers read this part first and often only this part.'] },
      { heading: 'Current situation', paragraphs: ['Describe how reporting works today: the number of manual reports, the time they take, and the decisions that wait for them.', 'Quantify the cost of delay where you can: stock-outs, missed renewals, late price changes.'] },
      { heading: 'Proposed solution and cost', paragraphs: ['Summarise the scope of the first phase, the subscription and implementation cost, and the internal people involved.'] },
      { heading: 'Expected return and risks', paragraphs: ['Use the ROI calculator to estimate payback. List the main risks — data quality, adoption, competing projects — and how each will be handled.'] },
    ],
  },
  {
    title: 'Board-ready executive summary', description: 'Eight slides a CFO can take to the board to approve the purchase.',
    personas: ['cfo'], stages: ['purchase'], tags: ['board', 'deck'], format: 'pptx', state: 'approved', ageDays: 95,
    sections: [
      { heading: 'The decision we are asking for', paragraphs: ['Approve a three-year subscription to Lumen Analytics', 'First phase: finance and supply chain reporting', 'Payback expected within 14 months'] },
      { heading: 'Why now', paragraphs: ['Month-end close takes nine working days', 'Forecasts are rebuilt by hand every quarter', 'Two competitors moved to daily planning last year'] },
      { heading: 'What it costs and returns', paragraphs: ['€ 310k over three years, subscription and implementation', '€ 1.1m verified net benefit by year three', 'Reviewed by the controller and IT'] },
      { heading: 'Risks and how we manage them', paragraphs: ['Data quality: a two-week data audit before go-live', 'Adoption: champions in each region', 'Exit: data exportable at any time'] },
    ],
  },
  {
    title: 'Étude de cas — Banque Alpine', description: 'Comment une banque régionale a réduit de 40 % le temps de ses rapports réglementaires.',
    personas: ['cfo', 'head-of-sales'], stages: ['intent'], industries: ['financial-services'], language: 'fr', tags: ['case study', 'banque'], format: 'pdf', state: 'approved', ageDays: 180,
    uses: 8, trend: 'steady', queries: ['étude de cas', 'etude de cas banque', 'Banque Alpine'],
    sections: [
      { heading: 'Le client', paragraphs: [
        'La Banque Alpine est une banque régionale de 1 200 collaborateurs, présente dans 80 agences. Ses équipes financières produisaient chaque mois plus de 150 rapports à partir de tableurs alimentés à la main.',
        'La direction financière voulait réduire le délai de clôture et fiabiliser les chiffres transmis au régulateur.',
      ] },
      { heading: 'La solution', paragraphs: [
        'Lumen a été connecté au système bancaire central et à l’outil de consolidation en six semaines. Les rapports réglementaires sont désormais produits automatiquement, avec une piste d’audit complète.',
        'Les contrôleurs de gestion disposent de tableaux de bord actualisés chaque nuit, par agence et par produit.',
      ] },
      { heading: 'Les résultats', paragraphs: [
        'Le temps consacré aux rapports réglementaires a baissé de 40 % dès le premier trimestre. La clôture mensuelle est passée de neuf à cinq jours ouvrés.',
        '« Nous passons enfin notre temps à analyser les chiffres plutôt qu’à les assembler », résume la directrice financière.',
      ], chart: { caption: 'Clôture mensuelle, jours ouvrés', bars: [['Avant', 9], ['Trimestre 1', 7], ['Trimestre 2', 5]] } },
    ],
  },
  {
    title: 'Pricing sheet (draft)', description: 'New tiers for 2027, not yet approved by finance.',
    personas: ['cfo', 'procurement'], stages: ['intent'], tags: ['pricing'], format: 'pdf', state: 'draft', ageDays: 6,
    sections: [
      { heading: 'Proposed tiers', paragraphs: ['Starter, Business and Enterprise, priced per report user per month, with volume discounts from 250 users.', 'Draft for discussion: figures are placeholders until finance signs off.'] },
      { heading: 'Discount rules', paragraphs: ['Multi-year commitments earn up to 12 %; public-sector and education customers get a separate price list.'] },
    ],
  },
  // ---- CIO ----
  {
    title: 'Security and compliance whitepaper', description: 'ISO 27001, data residency, encryption at rest and in transit, audit logs.',
    personas: ['cio'], stages: ['consideration', 'evaluation'], industries: ['financial-services', 'healthcare'], tags: ['security', 'compliance'], format: 'pdf', state: 'approved', ageDays: 300,
    uses: 90, trend: 'steady', queries: ['security whitepaper', 'security', 'iso 27001', 'encryption', 'compliance'],
    sections: [
      { heading: 'Security overview', paragraphs: [
        'Lumen is built for companies whose data must not leave their control. Customer data is stored in the region the customer chooses, encrypted at rest with per-tenant keys and in transit with TLS 1.3.',
        'Access follows least privilege: every action in the product is checked against the user’s role, and every administrative action is recorded in an audit log the customer can export.',
      ] },
      { heading: 'Encryption and key management', paragraphs: [
        'Data at rest is encrypted with AES-256. Keys are held in a hardware-backed key management service and rotated every 90 days; customers on the Enterprise plan can bring their own keys.',
        'Backups are encrypted with separate keys and tested monthly by restoring them into an isolated environment.',
      ] },
      { heading: 'Certifications and audits', paragraphs: [
        'Lumen holds ISO 27001 certification and publishes an annual penetration test summary. Our hosting providers are certified to ISO 27001, ISO 27017 and ISO 27018.',
        'Customers may audit our controls once a year under NDA; the security team answers questionnaires within five working days.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'CIO architecture overview', description: 'How Lumen fits into an enterprise data landscape: connectors, identity, networking.',
    personas: ['cio'], stages: ['interest', 'consideration'], tags: ['architecture', 'it'], format: 'pdf', state: 'approved', ageDays: 260,
    sections: [
      { heading: 'Where Lumen sits', paragraphs: [
        'Lumen reads from source systems through managed connectors or from an existing data warehouse, models the data once, and serves dashboards, alerts and exports to the people who need them.',
        'Nothing has to be replaced: customers with a warehouse keep it as the source of truth, and Lumen pushes its models back into it when asked.',
      ] },
      { heading: 'Identity and access', paragraphs: [
        'Sign-in goes through the customer’s identity provider with SAML or OpenID Connect; groups map to roles, so joiners and leavers are handled where they already are.',
      ] },
      { heading: 'Networking and operations', paragraphs: [
        'Connectors reach systems behind the firewall through an outbound-only agent. Status, latency and error rates of every connector are visible to the customer’s IT team.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'Integration guide: ERP and CRM connectors', description: 'Setting up the SAP, Dynamics, Salesforce and HubSpot connectors, step by step.',
    personas: ['cio', 'end-user'], stages: ['evaluation'], tags: ['integration', 'connectors', 'erp', 'crm'], format: 'pdf', state: 'approved', ageDays: 130,
    uses: 5, trend: 'steady', queries: ['integration guide', 'salesforce connector', 'sap'],
    sections: [
      { heading: 'Before you start', paragraphs: [
        'Each connector needs a technical user in the source system with read access to the objects you want to report on. This guide lists the minimum permissions for each system.',
      ] },
      { heading: 'ERP connectors', paragraphs: [
        'The SAP connector reads through OData services or a certified extractor; Dynamics 365 through its Web API. Initial loads of five years of history usually finish overnight.',
        'Incremental loads run every fifteen minutes by default and can be scheduled per table.',
      ] },
      { heading: 'CRM connectors', paragraphs: [
        'Salesforce and HubSpot connect with OAuth in a few clicks. Custom objects and fields appear automatically and can be mapped to Lumen’s standard pipeline model.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'Data residency and GDPR FAQ', description: 'Where data is stored, sub-processors, and the data processing agreement.',
    personas: ['cio', 'procurement'], stages: ['evaluation', 'purchase'], tags: ['gdpr', 'privacy', 'faq'], format: 'pdf', state: 'approved', ageDays: 330, expiresInDays: 9,
    sections: [
      { heading: 'Where is our data stored?', paragraphs: [
        'Customers choose the region at sign-up: Frankfurt, Dublin, Virginia or Sydney. Data, backups and logs stay in that region; support staff outside it access data only with the customer’s permission.',
      ] },
      { heading: 'Sub-processors', paragraphs: [
        'We use three sub-processors: our hosting provider, an email delivery service and an error-tracking service that receives no customer data. Customers are told 30 days before a change.',
      ] },
      { heading: 'The data processing agreement', paragraphs: [
        'Our standard DPA includes the EU standard contractual clauses and is signed with the order form. This FAQ will be replaced when the 2027 DPA is published.',
      ] },
    ],
  },
  {
    title: 'Cloud migration checklist', description: 'What IT checks before moving reporting from on-premises servers to Lumen.',
    personas: ['cio'], stages: ['intent'], tags: ['checklist', 'migration', 'it'], format: 'docx', state: 'approved', ageDays: 110,
    sections: [
      { heading: 'Inventory', paragraphs: ['List every report, its owner, its users and how often it is opened. Retire the ones nobody opened in six months before migrating anything.'] },
      { heading: 'Data sources', paragraphs: ['For each source system record the connector, the technical user, the network path and the expected data volume.'] },
      { heading: 'Cut-over', paragraphs: ['Run old and new reports side by side for one month-end close, compare the figures, then switch off the old server.'] },
    ],
  },
  {
    title: 'Healthcare solution brief', description: 'Patient-flow and capacity analytics with audit trails for hospital groups.',
    personas: ['cio'], stages: ['consideration'], industries: ['healthcare'], tags: ['brief', 'healthcare'], format: 'pdf', state: 'in_review', ageDays: 4,
    sections: [
      { heading: 'Capacity you can see', paragraphs: ['Bed occupancy, theatre utilisation and waiting lists in one view, refreshed every fifteen minutes from the hospital information system.'] },
      { heading: 'Built for patient data', paragraphs: ['Role-based access down to the ward, full audit trails and hosting in the hospital’s own country.'] },
    ],
  },
  {
    title: 'Caso de éxito — Hospital San Rafael', description: 'Cómo un hospital universitario redujo las esperas en urgencias un 25 %.',
    personas: ['cio'], stages: ['intent'], industries: ['healthcare'], language: 'es', tags: ['case study', 'caso de éxito'], format: 'pdf', state: 'approved', ageDays: 75,
    sections: [
      { heading: 'El cliente', paragraphs: ['El Hospital San Rafael atiende a 400 000 pacientes al año. Sus equipos planificaban turnos y camas con informes que llegaban con una semana de retraso.'] },
      { heading: 'La solución', paragraphs: ['Lumen se conectó al sistema de información hospitalaria en cuatro semanas. Los responsables de urgencias ven la ocupación y las llegadas previstas cada quince minutos.'] },
      { heading: 'Los resultados', paragraphs: ['El tiempo de espera medio en urgencias bajó un 25 % en seis meses y las cancelaciones de quirófano un 18 %.'] },
    ],
  },
  {
    title: 'Public sector compliance brief', description: 'Accessibility, procurement frameworks and hosting requirements for public bodies.',
    personas: ['cio', 'procurement'], stages: ['consideration'], industries: ['public-sector'], tags: ['public sector', 'compliance'], format: 'pdf', state: 'in_review', ageDays: 2,
    sections: [
      { heading: 'Frameworks we are on', paragraphs: ['Lumen is listed on two national cloud procurement frameworks, so public bodies can buy without a full tender.'] },
      { heading: 'Accessibility', paragraphs: ['Dashboards meet WCAG 2.2 AA; an accessibility statement is published and reviewed every year.'] },
    ],
  },
  // ---- Head of Sales ----
  {
    title: 'Competitive battlecard', description: 'How we compare with the three usual alternatives, objection handling and proof points.',
    personas: ['head-of-sales'], stages: ['evaluation'], tags: ['battlecard', 'competition'], format: 'pdf', state: 'approved', ageDays: 280,
    uses: 320, trend: 'steady', queries: ['battlecard', 'competitor', 'Battlecard', 'competition', 'objections', 'battelcard'],
    sections: [
      { heading: 'Where we win', paragraphs: [
        'We win when the buyer needs operational data refreshed during the day, not overnight, and when the business, not IT, will build most of the dashboards. Lead with time to first dashboard: days, not months.',
        'Our strongest proof points are Northwind Retail (300 stores live in eight weeks) and Banque Alpine (month-end close from nine to five days).',
      ] },
      { heading: 'Against the legacy BI suite', paragraphs: [
        'The incumbent is entrenched and “already paid for”. Do not attack it; position Lumen for the operational use cases it handles badly, and show the upgrade and licence costs in the TCO comparison.',
        'Objection: “We can build this in our BI tool.” Answer: ask how long the last new dashboard took, and who maintains the connectors.',
      ] },
      { heading: 'Against the in-house build', paragraphs: [
        'Engineering teams like to build. Acknowledge their warehouse, position Lumen on top of it, and focus on the cost of maintaining connectors as source systems change.',
      ] },
      { heading: 'Objection handling', paragraphs: [
        '“Too expensive”: move the conversation to payback, using the ROI calculator. “Security”: send the security whitepaper before the call and offer a session with our security team.',
        '“Not now”: agree on the next budget cycle and send the CFO guide to analytics budgeting.',
      ] },
    ],
  },
  {
    title: 'Case study: Northwind Retail', description: 'Store-level analytics rolled out to 300 shops in eight weeks.',
    personas: ['head-of-sales', 'marketing-leader'], stages: ['intent', 'evaluation'], industries: ['retail'], tags: ['case study', 'retail'], format: 'pdf', state: 'approved', ageDays: 230,
    uses: 120, trend: 'steady', queries: ['case study', 'northwind', 'retail case study', 'Northwind Retail'],
    sections: [
      { heading: 'Northwind Retail', paragraphs: [
        'Northwind Retail runs 300 home and garden stores across five countries. Store managers received weekly sales reports by email on Monday afternoon — too late to act on the weekend’s results.',
        'The operations director wanted every store manager to see yesterday’s sales, margin and stock by nine o’clock each morning.',
      ] },
      { heading: 'Eight weeks to 300 stores', paragraphs: [
        'Lumen was connected to the point-of-sale system and the ERP in the first two weeks. A pilot with twenty stores followed, then a rollout region by region.',
        'Store managers now open a single dashboard on a tablet; regional managers compare stores and drill into categories.',
      ] },
      { heading: 'Results after one quarter', paragraphs: [
        'Stock-outs of top-selling lines fell by 22 %, and markdowns at season end by 15 %. Head office retired 46 recurring reports.',
        '“Our store managers make decisions on Monday morning that used to wait until Thursday,” says the operations director.',
      ], chart: { caption: 'Change after one quarter, %', bars: [['Stock-outs', 22], ['Markdowns', 15], ['Report hours', 38]] } },
      ABOUT,
    ],
  },
  {
    title: 'Pipeline analytics demo deck', description: 'The demo storyline for sales leaders: forecast, pipeline health and win rates.',
    personas: ['head-of-sales'], stages: ['consideration', 'evaluation'], tags: ['demo', 'deck', 'pipeline'], format: 'pptx', state: 'approved', ageDays: 26,
    uses: 70, trend: 'rising', queries: ['demo deck', 'pipeline', 'forecast demo', 'pipline deck'],
    sections: [
      { heading: 'Your forecast, every morning', paragraphs: ['Commit, best case and pipeline by region, refreshed from the CRM every fifteen minutes', 'Changes since last week highlighted'] },
      { heading: 'Pipeline health', paragraphs: ['Deals without a next step', 'Stage ageing against your own history', 'Coverage ratio by quarter'] },
      { heading: 'Win rates that explain themselves', paragraphs: ['Win rate by segment, product and competitor', 'Drill from a region to a single deal'] },
      { heading: 'Next steps', paragraphs: ['Proof of value on your CRM data in two weeks', 'Reference call with a sales leader in your industry'] },
    ],
  },
  {
    title: 'Sales playbook: first meeting', description: 'Agenda, discovery questions and follow-up for the first customer meeting.',
    personas: ['head-of-sales'], stages: ['awareness', 'interest'], tags: ['playbook', 'discovery'], format: 'pptx', state: 'approved', ageDays: 340,
    sections: [
      { heading: 'The agenda', paragraphs: ['Ten minutes on the customer’s priorities', 'Fifteen minutes on two relevant stories', 'Five minutes to agree on a next step'] },
      { heading: 'Questions that matter', paragraphs: ['Which decision waits for a report today?', 'Who builds reports now, and how long does a new one take?', 'What happens at month end?'] },
      { heading: 'After the meeting', paragraphs: ['Send a summary within 24 hours', 'Attach one case study from their industry'] },
    ],
  },
  {
    title: 'Discovery call question bank', description: 'Sixty questions for discovery calls, by persona.',
    personas: ['head-of-sales'], stages: ['consideration'], tags: ['discovery', 'questions'], format: 'docx', state: 'approved', ageDays: 190,
    sections: [
      { heading: 'For finance', paragraphs: ['How many days does the month-end close take?', 'Which forecasts are rebuilt by hand?'] },
      { heading: 'For IT', paragraphs: ['Which systems hold the data the business asks for most?', 'How are new report requests prioritised?'] },
      { heading: 'For operations', paragraphs: ['What would you change if you saw yesterday’s figures at nine each morning?'] },
    ],
  },
  {
    title: 'Customer reference list', description: 'Reference customers by industry and size, with what each will talk about.',
    personas: ['head-of-sales'], stages: ['intent', 'evaluation'], tags: ['references', 'customers'], format: 'pdf', state: 'approved', ageDays: 60,
    sections: [
      { heading: 'Retail and consumer', paragraphs: ['Northwind Retail — store analytics, rollout speed. Fabrikam Outdoor — e-commerce and stores in one view.'] },
      { heading: 'Financial services', paragraphs: ['Banque Alpine — regulatory reporting and close. Woodgrove Insurance — claims analytics.'] },
      { heading: 'Manufacturing and healthcare', paragraphs: ['Keller Maschinenbau — production planning. Hospital San Rafael — emergency department capacity.'] },
    ],
  },
  {
    title: 'Mutual close plan template', description: 'The shared plan of steps, owners and dates from verbal yes to signature.',
    personas: ['head-of-sales', 'procurement'], stages: ['purchase'], tags: ['template', 'closing'], format: 'docx', state: 'approved', ageDays: 140,
    uses: 14, trend: 'steady', queries: ['close plan', 'mutual action plan'],
    sections: [
      { heading: 'Purpose', paragraphs: ['A close plan agreed with the customer makes the remaining steps visible to both sides and surfaces blockers early.'] },
      { heading: 'Steps', paragraphs: ['Security review, legal review of the order form, procurement registration, budget sign-off, signature, kick-off date.'] },
      { heading: 'Owners and dates', paragraphs: ['Each step has one owner on each side and a date; the plan is reviewed together every week.'] },
    ],
  },
  {
    title: 'Quarterly business review template', description: 'Slides for the QBR with an existing customer: results, adoption, next goals.',
    personas: ['head-of-sales', 'cfo'], stages: ['purchase'], tags: ['qbr', 'template', 'customer success'], format: 'pptx', state: 'approved', ageDays: 85,
    sections: [
      { heading: 'What we agreed last quarter', paragraphs: ['Goals and the measures behind them'] },
      { heading: 'Results and adoption', paragraphs: ['Active users by department', 'Reports retired', 'Measured savings against the business case'] },
      { heading: 'Goals for next quarter', paragraphs: ['Two new use cases', 'Training plan'] },
    ],
  },
  // ---- Marketing leader ----
  {
    title: 'Industry trends report 2026', description: 'Survey of 1,200 operations leaders on data, planning and AI.',
    personas: ['cio', 'marketing-leader'], stages: ['awareness'], tags: ['report', 'research'], format: 'pdf', state: 'approved', ageDays: 120,
    uses: 40, trend: 'fading', queries: ['trends report', 'research', 'survey'],
    sections: [
      { heading: 'Key findings', paragraphs: [
        'Seven in ten operations leaders say their reports arrive too late to change a decision. Only 18 % trust their forecasts enough to commit inventory on them.',
        'Companies that refresh operational data daily grew revenue 1.6 times faster than those that refresh weekly.',
      ], chart: { caption: 'Refresh frequency of operational reports, % of companies', bars: [['Hourly', 9], ['Daily', 31], ['Weekly', 42], ['Monthly', 18]] } },
      { heading: 'Planning is moving closer to the front line', paragraphs: [
        'Store, branch and plant managers increasingly own their own figures. Half of the respondents plan to give front-line managers dashboards within two years.',
      ] },
      { heading: 'Methodology', paragraphs: [
        'We surveyed 1,200 operations, finance and IT leaders in companies with 200 to 20,000 employees in North America and Europe in January 2026.',
      ] },
      ABOUT,
    ],
  },
  {
    title: 'Marketing leader’s guide to attribution', description: 'Connecting campaign spend to pipeline and revenue without a data team.',
    personas: ['marketing-leader'], stages: ['interest', 'consideration'], tags: ['marketing', 'attribution', 'guide'], format: 'pdf', state: 'approved', ageDays: 160,
    sections: [
      { heading: 'Attribution without the arguments', paragraphs: [
        'Marketing and sales rarely disagree about the numbers; they disagree about which numbers count. Start with one shared definition of a qualified opportunity, agreed with sales.',
      ] },
      { heading: 'Three models, one dashboard', paragraphs: [
        'First touch, last touch and position-based attribution answer different questions. Show all three side by side and let the budget discussion use the one that fits the decision.',
      ] },
      { heading: 'Getting started', paragraphs: ['Connect the CRM and the marketing automation platform, map campaigns to a small set of channels, and review the results monthly with sales.'] },
      ABOUT,
    ],
  },
  {
    title: 'Campaign analytics webinar slides', description: 'Slides of the “From clicks to closed deals” webinar.',
    personas: ['marketing-leader'], stages: ['consideration'], tags: ['webinar', 'marketing', 'deck'], format: 'pptx', state: 'approved', ageDays: 100,
    sections: [
      { heading: 'From clicks to closed deals', paragraphs: ['Why most campaign reports stop at the lead', 'What changes when marketing sees revenue'] },
      { heading: 'A live example', paragraphs: ['Spring campaign: spend, pipeline and revenue by channel', 'Which webinars produced deals, not just sign-ups'] },
    ],
  },
  {
    title: 'Webinar banner — spring launch', description: 'Banner for the spring launch webinar invitations and social posts.',
    personas: ['marketing-leader'], stages: ['awareness'], tags: ['banner', 'webinar', 'social'], format: 'png', state: 'approved', ageDays: 210,
    earlierUses: 9, picture: { style: 'banner', headline: 'Spring launch webinar', subtitle: 'Live · 12 March · 16:00 CET' },
  },
  {
    title: 'Retail peak season infographic', description: 'Four figures on peak-season stock-outs, for retail prospects.',
    personas: ['marketing-leader', 'head-of-sales'], stages: ['awareness'], industries: ['retail'], tags: ['infographic', 'retail', 'social'], format: 'png', state: 'approved', ageDays: 70,
    picture: { style: 'infographic', headline: 'Peak season, no stock-outs', subtitle: 'What Northwind Retail changed in one quarter', figures: [['22 %', 'fewer stock-outs'], ['15 %', 'lower markdowns'], ['8 wk', 'to 300 stores']] },
  },
  {
    title: 'Partner brand guidelines', description: 'How resellers use the Lumen name, logo and customer stories.',
    personas: ['marketing-leader'], stages: ['purchase'], tags: ['brand', 'partners'], format: 'pdf', state: 'approved', ageDays: 380,
    sections: [
      { heading: 'Our name and logo', paragraphs: ['Write Lumen Analytics in full the first time, Lumen after. Keep clear space around the logo equal to the height of the L.'] },
      { heading: 'Customer stories', paragraphs: ['Partners may quote published case studies as they are; anything else needs the customer’s written approval through us.'] },
    ],
  },
  {
    title: 'Event booth backdrop', description: 'Backdrop for the autumn trade-show booth.',
    personas: ['marketing-leader'], stages: ['awareness'], tags: ['event', 'print'], format: 'png', state: 'draft', ageDays: 3, owner: 'nina@demo.local',
    picture: { style: 'banner', headline: 'See tomorrow’s numbers today', subtitle: 'Lumen Analytics · Stand B14' },
  },
  // ---- Procurement ----
  {
    title: 'Procurement FAQ', description: 'Contract terms, invoicing, payment terms and the data processing agreement.',
    personas: ['procurement'], stages: ['purchase'], tags: ['faq', 'legal'], format: 'pdf', state: 'approved', ageDays: 250,
    uses: 25, trend: 'steady', queries: ['procurement faq', 'payment terms', 'contract terms'],
    sections: [
      { heading: 'Contract and terms', paragraphs: [
        'Lumen is sold as an annual or multi-year subscription under our master subscription agreement. Order forms name the plan, the number of report users and the term.',
        'We accept the customer’s paper for contracts above € 250k a year, subject to legal review.',
      ] },
      { heading: 'Invoicing and payment', paragraphs: ['Invoices are issued annually in advance, payable within 30 days. Quarterly invoicing is available for multi-year terms.'] },
      { heading: 'Data processing agreement', paragraphs: ['Our DPA is signed with the order form and includes the EU standard contractual clauses. See the data residency FAQ for details.'] },
    ],
  },
  {
    title: 'Security questionnaire answers', description: 'Pre-filled answers to the common vendor security questionnaires (SIG Lite, CAIQ).',
    personas: ['procurement', 'cio'], stages: ['evaluation'], tags: ['security', 'questionnaire'], format: 'docx', state: 'approved', ageDays: 355, expiresInDays: 23, owner: 'nina@demo.local',
    sections: [
      { heading: 'Governance', paragraphs: ['Information security is owned by the CISO, who reports to the CEO. Policies are reviewed every year.'] },
      { heading: 'Access control', paragraphs: ['Single sign-on and multi-factor authentication are required for all staff; access is reviewed every quarter.'] },
      { heading: 'Incident response', paragraphs: ['Customers are notified of a security incident affecting their data within 48 hours.'] },
    ],
  },
  {
    title: 'Standard contract and SLA summary', description: 'Uptime commitment, service credits, support hours and termination.',
    personas: ['procurement'], stages: ['intent', 'purchase'], tags: ['sla', 'legal', 'contract'], format: 'pdf', state: 'approved', ageDays: 270,
    sections: [
      { heading: 'Availability', paragraphs: ['We commit to 99.9 % monthly availability, measured from outside our network. Planned maintenance is announced seven days ahead and kept outside business hours.'] },
      { heading: 'Service credits', paragraphs: ['Below 99.9 %, customers receive a credit of 10 % of the monthly fee, rising to 30 % below 99 %.'] },
      { heading: 'Support', paragraphs: ['Business plans include support during business hours in the customer’s region; Enterprise plans include 24 × 7 support for critical incidents.'] },
    ],
  },
  {
    title: 'Vendor onboarding pack', description: 'Company details, certificates and bank details for supplier registration.',
    personas: ['procurement'], stages: ['consideration'], tags: ['vendor', 'onboarding'], format: 'pdf', state: 'approved', ageDays: 400,
    earlierUses: 6,
    sections: [
      { heading: 'Company details', paragraphs: ['Lumen Analytics GmbH, registered in Berlin, with subsidiaries in Dublin, Boston and Sydney.'] },
      { heading: 'Certificates', paragraphs: ['ISO 27001 certificate, liability insurance certificate and the latest penetration test summary are attached to this pack.'] },
    ],
  },
  // ---- End user ----
  {
    title: 'Product overview one-pager', description: 'What the platform does, in one page.',
    personas: ['end-user', 'marketing-leader'], stages: ['awareness', 'interest'], tags: ['overview'], format: 'pdf', state: 'approved', ageDays: 310,
    uses: 170, trend: 'steady', queries: ['overview', 'one pager', 'product overview', 'one-pager', 'overveiw'],
    sections: [
      { heading: 'The platform in one page', paragraphs: [
        'Lumen connects to the systems you already run, keeps one set of definitions for your figures, and shows everyone the numbers they need, refreshed within minutes.',
        'Dashboards, alerts and scheduled exports for finance, operations and sales; forecasting that learns from your own history; and an audit trail of who saw what.',
      ] },
      { heading: 'Why customers choose Lumen', paragraphs: [
        'First dashboards in days, not months. Connectors we maintain. A price per report user that finance can plan.',
      ] },
    ],
  },
  {
    title: 'End user quick start guide', description: 'Your first dashboard, filter and alert in fifteen minutes.',
    personas: ['end-user'], stages: ['purchase'], tags: ['guide', 'training', 'onboarding'], format: 'pdf', state: 'approved', ageDays: 170,
    sections: [
      { heading: 'Signing in', paragraphs: ['Open the link from your invitation and sign in with your company account. Your dashboards are on the home page.'] },
      { heading: 'Filters and drill-down', paragraphs: ['Every chart filters the others. Click a bar to focus on it; use the breadcrumb to go back.'] },
      { heading: 'Alerts', paragraphs: ['Select a figure, choose “Alert me”, and set a threshold. Alerts arrive by email or in Teams and Slack.'] },
    ],
  },
  {
    title: 'Dashboard tour infographic', description: 'A visual tour of the main dashboard for new users.',
    personas: ['end-user'], stages: ['awareness'], tags: ['infographic', 'product'], format: 'png', state: 'approved', ageDays: 90,
    picture: { style: 'infographic', headline: 'Your numbers, every morning', subtitle: 'A tour of the main dashboard', figures: [['15 min', 'refresh'], ['60+', 'connectors'], ['1', 'set of definitions']] },
  },
  {
    title: 'Feature comparison: Starter vs Enterprise', description: 'Which features each plan includes.',
    personas: ['end-user', 'cfo'], stages: ['evaluation'], tags: ['plans', 'comparison'], format: 'pdf', state: 'approved', ageDays: 115,
    uses: 3, trend: 'steady', queries: ['starter vs enterprise', 'plans'],
    sections: [
      { heading: 'Starter', paragraphs: ['Up to 50 report users, ten connectors, daily refresh, email support.'] },
      { heading: 'Business', paragraphs: ['Up to 500 report users, all connectors, refresh every fifteen minutes, single sign-on, business-hours support.'] },
      { heading: 'Enterprise', paragraphs: ['Unlimited report users, customer-managed keys, private networking, 24 × 7 support and a named customer success manager.'] },
    ],
  },
  {
    title: 'New user training curriculum', description: 'Three one-hour sessions that take new users from viewer to builder.',
    personas: ['end-user'], stages: ['consideration'], tags: ['training', 'curriculum'], format: 'pdf', state: 'approved', ageDays: 205,
    sections: [
      { heading: 'Session 1: reading dashboards', paragraphs: ['Filters, drill-down, exports and alerts, with exercises on the customer’s own data.'] },
      { heading: 'Session 2: building views', paragraphs: ['Choosing the right chart, combining measures, sharing with colleagues.'] },
      { heading: 'Session 3: owning a dashboard', paragraphs: ['Definitions, access, and reviewing usage so dashboards stay useful.'] },
    ],
  },
  {
    title: 'Implementation plan template', description: 'A 90-day rollout plan to adapt with the customer.',
    personas: ['cio', 'end-user'], stages: ['purchase'], tags: ['onboarding', 'template'], format: 'pdf', state: 'in_review', ageDays: 5, owner: 'nina@demo.local',
    sections: [
      { heading: 'Days 1–30: connect and model', paragraphs: ['Connect the first two source systems, agree on definitions, build the first dashboard with the pilot team.'] },
      { heading: 'Days 31–60: pilot', paragraphs: ['Twenty pilot users, weekly feedback, first reports retired.'] },
      { heading: 'Days 61–90: roll out', paragraphs: ['Training for all users, champions in each team, review against the business case.'] },
    ],
  },
  // ---- Manufacturing ----
  {
    title: 'Fallstudie — Keller Maschinenbau', description: 'Wie ein Maschinenbauer seine Produktionsplanung auf tägliche Zahlen umgestellt hat.',
    personas: ['cio', 'end-user'], stages: ['evaluation'], industries: ['manufacturing'], language: 'de', tags: ['case study', 'fallstudie'], format: 'pdf', state: 'approved', ageDays: 145,
    sections: [
      { heading: 'Der Kunde', paragraphs: ['Keller Maschinenbau fertigt mit 2 400 Mitarbeitenden an drei Standorten Werkzeugmaschinen. Die Produktionsplanung arbeitete mit Wochenberichten aus dem ERP-System.'] },
      { heading: 'Die Lösung', paragraphs: ['Lumen wurde in fünf Wochen an SAP und das Fertigungsleitsystem angebunden. Schichtleiter sehen Auslastung, Ausschuss und Rückstände täglich um sechs Uhr.'] },
      { heading: 'Die Ergebnisse', paragraphs: ['Die Liefertreue stieg von 87 % auf 95 %, der Ausschuss sank um 12 %. „Wir reagieren jetzt am selben Tag“, sagt der Werksleiter.'] },
    ],
  },
  {
    title: 'Manufacturing customer quote card', description: 'Quote card for social posts from the Keller Maschinenbau story.',
    personas: ['end-user'], stages: ['interest'], industries: ['manufacturing'], tags: ['social', 'quote'], format: 'png', state: 'approved', ageDays: 140,
    picture: { style: 'quote', headline: 'We now react the same day.', subtitle: 'Plant manager, Keller Maschinenbau' },
  },
  {
    title: 'Analyst report summary 2025', description: 'Summary of last year’s analyst evaluation; replaced by the 2026 trends report.',
    personas: ['cfo', 'cio'], stages: ['awareness', 'interest'], tags: ['analyst', 'report'], format: 'pdf', state: 'archived', ageDays: 450,
    earlierUses: 20,
    sections: [
      { heading: 'The evaluation', paragraphs: ['An independent analyst firm compared eleven operational analytics vendors on current offering, strategy and market presence.'] },
      { heading: 'Where Lumen stood', paragraphs: ['Lumen was rated a strong performer, with top scores for time to value and connector breadth.'] },
    ],
  },
];

