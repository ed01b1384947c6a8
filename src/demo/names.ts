// Word lists for the demo organisation: a mix of origins, so the demo looks
// like the international engineering organisations paved is built for.

/** Given names; diacritics are kept in display names and dropped in emails. */
// biome-ignore format: a compact word list reads better than one word a line
export const GIVEN_NAMES = [
  'Aaliyah', 'Abebe', 'Adaeze', 'Ahmed', 'Aiko', 'Alejandro', 'Amara', 'Amir', 'Ana', 'Andrei',
  'Anjali', 'Arjun', 'Astrid', 'Ayşe', 'Bao', 'Beatriz', 'Ben', 'Carlos', 'Chen', 'Chiara',
  'Chloé', 'Chukwuma', 'Daniel', 'Dmitri', 'Elena', 'Emeka', 'Emily', 'Emma', 'Farah', 'Fatima',
  'Felix', 'Fernando', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hiroshi', 'Ibrahim', 'Ingrid',
  'Isabel', 'Jae-won', 'James', 'Javier', 'Jin', 'João', 'Jonas', 'Julia', 'Kavya', 'Kenji',
  'Kofi', 'Lars', 'Laura', 'Leila', 'Lena', 'Liam', 'Lucas', 'Lucía', 'Maya', 'Mateo',
  'Mei', 'Mohammed', 'Nadia', 'Naledi', 'Nia', 'Nikhil', 'Noah', 'Nour', 'Olivia', 'Omar',
  'Oskar', 'Pablo', 'Priya', 'Rafael', 'Rahul', 'Ravi', 'Rosa', 'Ryo', 'Sakura', 'Samuel',
  'Santiago', 'Sara', 'Sebastián', 'Shreya', 'Siobhan', 'Sofia', 'Soo-ah', 'Tariq', 'Thandiwe', 'Thomas',
  'Tomás', 'Valentina', 'Vikram', 'Wei', 'Yara', 'Yasmin', 'Yusuf', 'Zainab', 'Zanele', 'Zoë',
] as const;

/** Family names. */
// biome-ignore format: a compact word list reads better than one word a line
export const FAMILY_NAMES = [
  'Adeyemi', 'Ahmed', 'Alvarez', 'Andersen', 'Bakker', 'Banerjee', 'Becker', 'Bianchi', 'Brown', 'Castillo',
  'Chen', 'Choi', 'Costa', 'Da Silva', 'Dubois', 'Eriksson', 'Fernandes', 'Fischer', 'Garcia', 'Gonzalez',
  'Gupta', 'Haddad', 'Hansen', 'Hernandez', 'Hoffmann', 'Hossain', 'Huang', 'Ibrahim', 'Ito', 'Ivanova',
  'Jansen', 'Johansson', 'Johnson', 'Kamau', 'Kapoor', 'Kato', 'Khan', 'Kim', 'Kowalski', 'Kumar',
  'Larsen', 'Lee', 'Li', 'Lindqvist', 'Liu', 'Lopez', 'Mahlangu', 'Martin', 'Martínez', 'Mendes',
  'Mensah', 'Moreau', 'Müller', 'Murphy', 'Nakamura', 'Nasser', 'Nguyen', 'Novak', "O'Connor", 'Okafor',
  'Okoye', 'Olsen', 'Osei', 'Park', 'Patel', 'Pereira', 'Petrov', 'Popescu', 'Rahman', 'Reddy',
  'Rossi', 'Sato', 'Schmidt', 'Schneider', 'Silva', 'Singh', 'Smith', 'Sokolov', 'Suzuki', 'Tanaka',
  'Taylor', 'Thompson', 'Tran', 'Van Dijk', 'Varga', 'Wagner', 'Walker', 'Wang', 'Watanabe', 'Weber',
  'Williams', 'Wilson', 'Wong', 'Wu', 'Yamamoto', 'Yang', 'Yilmaz', 'Zhang', 'Zhou', 'Zulu',
] as const;

/** Career levels, most junior first; reports use them as segments. */
export const LEVELS = ['Junior', 'Mid', 'Senior', 'Staff', 'Principal'] as const;

/** How common each level is among engineers on a team. */
export const LEVEL_WEIGHTS: readonly (readonly [string, number])[] = [
  ['Junior', 18],
  ['Mid', 32],
  ['Senior', 32],
  ['Staff', 13],
  ['Principal', 5],
];

/** Office locations (and remote) with how many people work from each. */
export const LOCATION_WEIGHTS: readonly (readonly [string, number])[] = [
  ['Berlin', 18],
  ['London', 16],
  ['Lisbon', 9],
  ['Toronto', 10],
  ['Austin', 9],
  ['Bengaluru', 12],
  ['Singapore', 6],
  ['São Paulo', 6],
  ['Remote (Europe)', 8],
  ['Remote (Americas)', 6],
];

/**
 * Product domains (a department each in the large organisation) and their
 * areas (a group each). Area names are unique across all domains, so team
 * names built from them are unique too.
 */
// biome-ignore format: a compact word list reads better than one word a line
export const PRODUCT_DOMAINS: readonly { name: string; areas: readonly string[] }[] = [
  {
    name: 'Payments',
    areas: ['Card Processing', 'Billing', 'Payouts', 'Ledger', 'Fraud', 'Tax', 'Invoicing', 'Wallets'],
  },
  {
    name: 'Commerce',
    areas: ['Checkout', 'Catalog', 'Pricing', 'Promotions', 'Cart', 'Orders', 'Returns', 'Inventory'],
  },
  {
    name: 'Search and Discovery',
    areas: ['Search', 'Recommendations', 'Ranking', 'Browse', 'Query Understanding', 'Personalisation', 'Reviews', 'Merchandising'],
  },
  {
    name: 'Identity',
    areas: ['Accounts', 'Authentication', 'Authorisation', 'Profiles', 'Consent', 'Sessions', 'Trust and Safety', 'Privacy'],
  },
  {
    name: 'Growth',
    areas: ['Onboarding', 'Referrals', 'Notifications', 'Lifecycle', 'Experimentation', 'Loyalty', 'Acquisition', 'Localisation'],
  },
  {
    name: 'Mobile',
    areas: ['iOS App', 'Android App', 'Mobile Foundations', 'App Performance', 'Mobile Release', 'Offline', 'Mobile Design System', 'Wearables'],
  },
  {
    name: 'Logistics',
    areas: ['Fulfilment', 'Shipping', 'Warehousing', 'Routing', 'Tracking', 'Carriers', 'Dispatch', 'Last Mile'],
  },
  {
    name: 'Data',
    areas: ['Analytics', 'Data Engineering', 'Machine Learning', 'Reporting', 'Forecasting', 'Data Quality', 'Streaming', 'Data Governance'],
  },
  {
    name: 'Enterprise',
    areas: ['Partner API', 'Admin Console', 'Integrations', 'Contracts', 'Customer Support Tools', 'Audit', 'Single Sign-On', 'Enterprise Billing'],
  },
];

/** Groups of the platform department; the first two are the platform's own product teams. */
export const PLATFORM_AREAS = [
  'Developer Experience',
  'Delivery Tooling',
  'Cloud Infrastructure',
  'Observability',
  'Data Platform',
  'Security Engineering',
  'Networking',
  'Databases',
] as const;

/** Product teams of the small demo, four of which it picks. */
export const SMALL_PRODUCT_TEAMS = [
  'Payments',
  'Checkout',
  'Search',
  'Identity',
  'Mobile',
  'Growth',
];

/** Platform services, handed to the platform's leaf teams in order so they read like real tools. */
// biome-ignore format: a compact word list reads better than one word a line
export const PLATFORM_SERVICES = [
  'developer-portal', 'service-templates', 'paved-cli', 'ci-runners', 'deploy-pipeline',
  'build-cache', 'artifact-registry', 'feature-flags', 'secrets-manager', 'k8s-clusters',
  'metrics-pipeline', 'log-search', 'tracing', 'db-operator', 'service-mesh',
] as const;

/** What a team in an area focuses on: the second word of its name ("Billing API"). */
// biome-ignore format: a compact word list reads better than one word a line
export const TEAM_FOCUS = [
  'API', 'Core', 'Experience', 'Insights', 'Integrations', 'Reliability', 'Web', 'Automation',
  'Pipelines', 'Services', 'Foundations', 'Quality', 'Tooling', 'Operations',
] as const;

/** Halves of a team that split in two ("Billing API Backend"). */
export const SQUAD_PAIRS = [
  ['Backend', 'Frontend'],
  ['North', 'South'],
  ['Alpha', 'Beta'],
  ['Build', 'Run'],
] as const;

/** Kinds of service a team owns, with the Backstage component type each gets. */
export const SERVICE_KINDS: readonly (readonly [suffix: string, type: string])[] = [
  ['api', 'service'],
  ['service', 'service'],
  ['worker', 'service'],
  ['web', 'website'],
  ['jobs', 'service'],
  ['gateway', 'service'],
  ['sdk', 'library'],
  ['events', 'service'],
];
