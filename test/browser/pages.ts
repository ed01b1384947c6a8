/**
 * Every page the browser suite opens (test/browser/page-checks.ts, split across
 * a11y.test.ts and a11y-more.test.ts): each is
 * loaded, checked with axe-core in light and dark, by keyboard, at 320 px and
 * without JavaScript, and for screen readers: its landmarks and headings
 * against test/browser/__aria__/<name>.json (a new page: run once with
 * PAVED_UPDATE_ARIA=1 and review the file), one h1, no skipped heading level,
 * named form controls, charts with a table of their points, the error summary's
 * focus and links. Adding a page is one line here; if it needs data, add
 * that data to seed.ts. Pages are opened signed in as the seed's admin unless
 * marked `anonymous`, `asLeader` or `asDeveloper`. Names are unique (they name the file).
 * @example { path: '/teams/payments', name: 'team page' }
 */
export interface PageCase {
  /** Path to open, with any query string; `{name}` is filled from the seed's params. */
  path: string;
  /** What the page is, as the test titles name it. */
  name: string;
  /** The HTTP status the page answers with; 200 unless given. */
  status?: number;
  /** Open it as a visitor who is not signed in. */
  anonymous?: boolean;
  /** Open it as the seed's leader instead of its admin (forms only deciders see). */
  asLeader?: boolean;
  /** A 400 about the address itself, with no form to put right: no error summary to check. */
  noFields?: boolean;
  /**
   * Its list ties in the product's order (surveys of one period come in the
   * order of their random ids), so the stored headings are compared in any order.
   */
  ariaAnyOrder?: boolean;
  /** Open it as the seed's developer, who sees less than an admin (no edit or triage forms). */
  asDeveloper?: boolean;
  /**
   * Then fill these fields of the form and submit it: the checks run on the
   * page that answers (an error summary, a one-time secret), with this status
   * (a 303 is followed to its page). A select takes the option's value, radio
   * buttons and checkboxes the value to check. `confirms` is the text the
   * answering page must say in a status message (role="status").
   */
  submit?: { form: string; fields: Record<string, string>; status: number; confirms?: string };
}

export const pages: PageCase[] = [
  { path: '/', name: 'home' },
  { path: '/', name: 'home for a developer', asDeveloper: true },
  { path: '/teams', name: 'teams list' },
  { path: '/teams/payments', name: 'team page' },
  { path: '/teams/developer-experience', name: 'team page without sub-teams or services' },
  { path: '/no-such-page', name: 'not found page', status: 404 },
  { path: '/login', name: 'sign-in page with the demo accounts', anonymous: true },
  {
    path: '/login',
    name: 'sign-in page after a wrong password',
    anonymous: true,
    submit: {
      form: 'form[action="/login"]',
      // Not the admin's email: failed attempts count against an account for 15 minutes.
      fields: { email: 'alan.turing@example.test', password: 'not the password' },
      status: 401,
    },
  },
  { path: '/account', name: 'account page' },
  {
    path: '/account',
    name: 'new token page',
    submit: {
      form: 'form[action="/account/tokens"]',
      fields: { name: 'laptop' },
      status: 201,
      confirms: 'Token “laptop” is ready',
    },
  },
  {
    path: '/account',
    name: 'account page after an incomplete password form',
    submit: {
      form: 'form[action="/account/password"]',
      fields: { newPassword: 'short' },
      status: 400,
    },
  },
  { path: '/admin/users', name: 'users page' },
  {
    path: '/admin/users',
    name: 'users page after an incomplete add-user form',
    submit: { form: 'form[action="/admin/users"]', fields: { email: 'nope' }, status: 400 },
  },
  { path: '/admin/users/{developerId}/disable', name: 'disable confirmation page' },
  { path: '/admin/audit', name: 'audit log' },
  { path: '/admin/audit?since=2026-02-30', name: 'audit log with a bad date', status: 400 },
  { path: '/reset/{resetToken}', name: 'password reset page', anonymous: true },
  { path: '/reset/no-such-link', name: 'invalid link page', anonymous: true, status: 404 },
  { path: '/capabilities', name: 'capability catalog' },
  {
    path: '/capabilities?stage=nonsense',
    name: 'capability catalog with a bad filter',
    status: 400,
  },
  { path: '/capabilities/secrets-vault', name: 'mandatory capability page' },
  {
    path: '/capabilities/secrets-vault',
    name: 'mandatory capability page for a developer',
    asDeveloper: true,
  },
  { path: '/capabilities/deploy-pipeline', name: 'optional capability page with figures' },
  { path: '/capabilities/deploy-pipeline/teams', name: 'what each team chose about a capability' },
  { path: '/capabilities/new', name: 'add a capability form' },
  { path: '/capabilities/deploy-pipeline/edit', name: 'edit a capability form' },
  {
    path: '/capabilities/preview-environments/adoption?team=platform&to=trial',
    name: 'adoption form',
  },
  {
    path: '/capabilities/deploy-pipeline/adoption',
    name: 'adoption form, choosing team and change',
  },
  {
    path: '/capabilities/deploy-pipeline/adoption?team=platform&to=left',
    name: 'leave confirmation page',
  },
  {
    path: '/capabilities/deploy-pipeline/adoption?team=platform&to=left',
    name: 'leave confirmation page after a missing reason',
    submit: {
      form: 'form[action="/capabilities/deploy-pipeline/adoption"]',
      fields: { alternative: 'GitHub Actions' },
      status: 400,
    },
  },
  {
    path: '/capabilities/secrets-vault/adoption?team=platform&to=left',
    name: 'leaving a mandatory capability',
  },
  { path: '/exceptions', name: 'exceptions list' },
  {
    path: '/exceptions/new?capability=secrets-vault&team=ledger',
    name: 'exception request form',
  },
  { path: '/exceptions/{exceptionId}', name: 'exception page' },
  {
    path: '/exceptions/{exceptionId}',
    name: 'exception page with the decision form',
    asLeader: true,
  },
  { path: '/capabilities/secrets-vault/mandate', name: 'record the mandate form', asLeader: true },
  {
    path: '/capabilities/secrets-vault/mandate/lift',
    name: 'lift the mandate confirmation',
    asLeader: true,
  },
  { path: '/decisions', name: 'decision log' },
  { path: '/decision-rights', name: 'decision rights with the admin’s forms' },
  { path: '/roadmap', name: 'roadmap with both sides and the balance' },
  { path: '/roadmap', name: 'roadmap for a developer', asDeveloper: true },
  { path: '/roadmap/{roadmapProposalId}', name: 'roadmap proposal open for comment' },
  {
    path: '/roadmap/{roadmapProposalId}',
    name: 'roadmap proposal after a comment that is too long',
    submit: { form: 'form[action$="/comments"]', fields: { body: 'x'.repeat(4001) }, status: 400 },
  },
  {
    path: '/roadmap/{roadmapDecidingId}',
    name: 'roadmap proposal with the decision form',
    asLeader: true,
  },
  {
    path: '/roadmap/{roadmapDecidingId}/decline',
    name: 'roadmap decide-against confirmation',
    asLeader: true,
  },
  { path: '/roadmap/{roadmapPlannedId}', name: 'planned roadmap item with the status form' },
  { path: '/roadmap/new', name: 'add a roadmap item form' },
  {
    path: '/roadmap/new',
    name: 'add a roadmap item form after an incomplete submit',
    submit: { form: 'form[action="/roadmap"]', fields: { title: 'Faster' }, status: 400 },
  },
  { path: '/roadmap/{roadmapPlannedId}/edit', name: 'edit a roadmap item form' },
  { path: '/roadmap/{roadmapPlannedId}/ship', name: 'ship a roadmap item confirmation' },
  { path: '/changelog', name: 'changelog with feed addresses' },
  { path: '/changelog/{changelogEntryId}', name: 'changelog entry' },
  { path: '/ingestion', name: 'event ingestion status' },
  {
    path: '/ingestion',
    name: 'event ingestion after an incomplete repository form',
    submit: {
      form: 'form[action="/ingestion/repositories"]',
      fields: { repository: 'nope' },
      status: 400,
    },
  },
  { path: '/ingestion/sources/jenkins-prod', name: 'event ingestion source tokens' },
  { path: '/ingestion/sources/jenkins-prod/rotate', name: 'event ingestion rotate confirmation' },
  { path: '/figures', name: 'figures landing' },
  { path: '/figures/onboarding', name: 'figures onboarding cohorts' },
  {
    path: '/figures/onboarding?since=May',
    name: 'figures onboarding with a bad month',
    status: 400,
  },
  { path: '/figures/delivery', name: 'figures delivery for every team' },
  { path: '/figures/delivery?team=payments&window=30', name: 'figures delivery for one team' },
  { path: '/figures/delivery?window=3', name: 'figures delivery with a bad window', status: 400 },
  { path: '/figures/unplanned-work', name: 'figures unplanned work' },
  { path: '/figures/value', name: 'figures value by capability' },
  { path: '/figures/value/deploy-pipeline', name: 'figures value with its event study' },
  {
    path: '/figures/value/secrets-vault',
    name: 'figures value after a missing outcome',
    submit: {
      form: 'form[action="/figures/value/secrets-vault/outcome"]',
      // Submitted as it opens: "Choose one" is no outcome.
      fields: {},
      status: 400,
    },
  },
  { path: '/feedback', name: 'feedback board with the responsiveness figures' },
  { path: '/feedback', name: 'feedback board for a developer', asDeveloper: true },
  {
    path: '/feedback?status=new&sort=oldest-unacknowledged',
    name: 'feedback board filtered and sorted',
  },
  { path: '/feedback?status=lost', name: 'feedback board with a bad filter', status: 400 },
  { path: '/feedback/new', name: 'give feedback form' },
  {
    path: '/feedback/new',
    name: 'give feedback form after an incomplete submit',
    submit: { form: 'form[action="/feedback"]', fields: { body: 'Builds are slow.' }, status: 400 },
  },
  {
    path: '/feedback/{feedbackId}',
    name: 'feedback item with the triage forms and internal notes',
  },
  {
    path: '/feedback/{feedbackId}',
    name: 'feedback item for a reader who does not triage',
    asLeader: true,
  },
  { path: '/feedback/{hiddenAuthorId}', name: 'feedback item posted as a team member' },
  { path: '/feedback/{duplicateId}', name: 'feedback item merged into another' },
  {
    path: '/feedback/{hiddenAuthorId}',
    name: 'feedback item after a merge into an unknown item',
    submit: { form: 'form[action$="/merge"]', fields: { into: 'no-such-item' }, status: 400 },
  },
  { path: '/feedback/{feedbackId}/decline', name: 'decline feedback confirmation' },
  { path: '/feedback/triage', name: 'feedback triage queue' },
  { path: '/feedback/overdue', name: 'overdue feedback' },
  { path: '/inbox', name: 'inbox with unread news and the email preference' },
  {
    path: '/inbox',
    name: 'inbox after saving the email preference',
    submit: {
      form: 'form[action="/inbox/preferences"]',
      fields: { emailMode: 'immediate' },
      status: 303,
      confirms: 'Your email preference is saved.',
    },
  },
  { path: '/admin/webhooks', name: 'webhook settings with the allow-list' },
  {
    path: '/admin/webhooks',
    name: 'webhook settings after a refused private address',
    submit: {
      form: 'form[action="/admin/webhooks"]',
      fields: { name: 'Local receiver', url: 'http://127.0.0.1:9/hook' },
      status: 400,
    },
  },
  { path: '/admin/webhooks/{webhookId}', name: 'webhook with its delivery log' },
  { path: '/admin/webhooks/{webhookId}/delete', name: 'delete webhook confirmation' },
  {
    path: '/surveys',
    name: 'survey list with answers still missing per team',
    ariaAnyOrder: true,
  },
  { path: '/surveys', name: 'survey list for a developer', asDeveloper: true, ariaAnyOrder: true },
  { path: '/surveys/new', name: 'create a survey form' },
  {
    path: '/surveys/new',
    name: 'create a survey form after an incomplete submit',
    submit: { form: 'form[action="/surveys"]', fields: { period: '2026-Q9' }, status: 400 },
  },
  { path: '/surveys/{draftSurveyId}', name: 'draft survey page' },
  { path: '/surveys/{draftSurveyId}/edit', name: 'edit a draft survey form' },
  {
    path: '/surveys/{draftSurveyId}/edit',
    name: 'draft survey page after saving its edit',
    submit: {
      form: 'form[action$="/edit"]',
      fields: {},
      status: 303,
      confirms: 'Your changes to the draft are saved.',
    },
  },
  { path: '/surveys/{draftSurveyId}/open', name: 'open a survey confirmation' },
  { path: '/surveys/{openSurveyId}', name: 'survey answer form' },
  {
    path: '/surveys/{openSurveyId}',
    name: 'survey answer form with errors shown',
    submit: {
      form: 'form.survey-form',
      fields: { comment: 'Too long. '.repeat(401) },
      status: 400,
    },
  },
  { path: '/surveys/{openSurveyId}/close', name: 'close a survey confirmation' },
  { path: '/surveys/{answeredSurveyId}', name: 'survey already answered' },
  { path: '/surveys/{answeredSurveyId}/thanks', name: 'survey thank-you page' },
  { path: '/surveys/{closedSurveyId}', name: 'closed survey page' },
  { path: '/surveys/{closedSurveyId}/results', name: 'survey results by team' },
  { path: '/surveys/{closedSurveyId}/results?by=tenure', name: 'survey results by tenure' },
  { path: '/surveys/{closedSurveyId}/results?by=level', name: 'survey results by level' },
  {
    path: '/surveys/{closedSurveyId}/results?by=person',
    name: 'survey results with a bad dimension',
    status: 400,
  },
  { path: '/pulse/deploy-pipeline?touchpoint=deploy', name: 'pulse page from a deploy link' },
  {
    path: '/pulse/deploy-pipeline?touchpoint=deploy',
    name: 'pulse page after a missing rating',
    submit: {
      form: 'form[action="/pulse/deploy-pipeline"]',
      fields: { comment: 'Slow today.' },
      status: 400,
    },
  },
  { path: '/pulse/secrets-vault', name: 'pulse refused within the cooldown' },
  { path: '/pulse/deploy-pipeline/thanks', name: 'pulse thank-you page' },
  { path: '/pulses?capability=deploy-pipeline&period=2026-Q3', name: 'pulse results by month' },
  { path: '/matrix', name: 'mandate–choice matrix' },
  { path: '/betas', name: 'beta programs' },
  { path: '/betas/new', name: 'start a beta program form' },
  {
    path: '/betas/new',
    name: 'start a beta program form after a refused submit',
    submit: {
      form: 'form[action="/betas"]',
      fields: { reviewOn: '', stayThreshold: 'most' },
      status: 400,
    },
  },
  { path: '/betas/{betaId}', name: 'beta program page' },
  { path: '/betas/{betaId}/leave?team=checkout', name: 'leave a beta confirmation' },
  {
    path: '/betas/{betaId}/review?outcome=graduate',
    name: 'graduate a beta confirmation',
    asLeader: true,
  },
  { path: '/research', name: 'research synthesis' },
  { path: '/research?persona=junior', name: 'research synthesis for one persona' },
  { path: '/research/notes', name: 'research notes list' },
  { path: '/research/notes/{researchNoteId}', name: 'research note with friction points' },
  { path: '/research/notes/new', name: 'record a research note form' },
  {
    path: '/research/notes/new',
    name: 'record a research note form after an incomplete submit',
    submit: { form: 'form[action="/research/notes"]', fields: { workflow: 'deploy' }, status: 400 },
  },
  { path: '/research/notes/{researchNoteId}/edit', name: 'edit a research note form' },
  { path: '/research/notes/{researchNoteId}/delete', name: 'delete a research note confirmation' },
  {
    path: '/research/frictions/{researchFrictionId}/feedback',
    name: 'file a friction as feedback',
  },
  { path: '/research/frictions/{researchFrictionId}/link', name: 'link an item to a friction' },
  { path: '/office-hours', name: 'office hours figures and sessions' },
  { path: '/office-hours/new', name: 'record an office-hours session form' },
  {
    path: '/office-hours/new',
    name: 'record an office-hours session form after an incomplete submit',
    submit: {
      form: 'form[action="/office-hours"]',
      fields: { 'topics.0.problem': 'Rotating a password by hand' },
      status: 400,
    },
  },
  { path: '/office-hours/{officeHoursSessionId}', name: 'office-hours session' },
  { path: '/office-hours/{officeHoursSessionId}/edit', name: 'edit an office-hours session form' },
  { path: '/insights', name: 'insights index' },
  { path: '/report/2026-Q3', name: 'quarterly report' },
  { path: '/report/quarters', name: 'quarterly reports list' },
  { path: '/report/2026-11', name: 'quarterly report of a month', status: 400, noFields: true },
];
