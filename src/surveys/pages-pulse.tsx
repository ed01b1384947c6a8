// Pulses: one 1–5 rating right after a real use of a capability, reachable
// by a link a CI system or the docs print (/pulse/deploy-pipeline?touchpoint=deploy);
// a polite refusal inside the cooldown; "stop asking me"; and the results
// per capability for completed months.

import * as Plot from '@observablehq/plot';
import type { Context, Hono } from 'hono';
import type { Capability } from '../capabilities/model.ts';
import { periodChoices } from '../capabilities/pages-figures.tsx';
import { errorFor } from '../capabilities/pages-shared.tsx';
import { getCapabilityBySlug, listCapabilities } from '../capabilities/store.ts';
import { Conflict, type FieldError, InvalidInput, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { quarterOf } from '../core/period.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { Chart } from '../core/ui/chart.tsx';
import {
  DataTable,
  EmptyState,
  ErrorSummary,
  Field,
  Form,
  formatDate,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { QUESTIONS, TOUCHPOINTS, type Touchpoint } from './model.ts';
import { periodWords, pulsePath, readFormAll, ScaleField } from './pages-shared.tsx';
import { HIDDEN_TEXT } from './results.ts';
import { type PulseCut, pulseResults } from './results-pulses.ts';
import { pulseStatus, silencePulses, submitPulse } from './service.ts';
import { shareText } from './words.ts';

/** The question, by where the link was printed. */
function heading(touchpoint: Touchpoint | undefined, name: string): string {
  switch (touchpoint) {
    case 'deploy':
      return 'How was this deploy?';
    case 'pipeline':
      return 'How was this pipeline run?';
    case 'docs':
      return 'How helpful were these docs?';
    case 'onboarding':
      return `How was getting started with ${name}?`;
    case 'support':
      return 'How was the help you got?';
    default:
      return `How was ${name}?`;
  }
}

export const TOUCHPOINT_WORDS: Record<string, string> = {
  deploy: 'After a deploy',
  pipeline: 'After a pipeline run',
  docs: 'In the docs',
  onboarding: 'While getting started',
  support: 'After asking for help',
  unknown: 'Elsewhere',
};

const asTouchpoint = (v: string | undefined): Touchpoint | undefined =>
  TOUCHPOINTS.includes(v as Touchpoint) ? (v as Touchpoint) : undefined;

/** Only a pulse page may be returned to after "stop asking me". */
const safeBack = (v: string | undefined) =>
  v && /^\/pulse\/[a-z0-9-]+(\?[\w=&-]*)?$/.test(v) ? v : '/pulses';

export function registerPulsePages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  async function capabilityOr404(slug: string): Promise<Capability> {
    const capability = await getCapabilityBySlug(db, slug);
    if (!capability) {
      throw new NotFound(
        `There is no capability “${slug}”. Check the link, or find it in the capability catalog.`,
      );
    }
    return capability;
  }

  web.get('/pulse/:slug', policy('pulse.submit'), async (c) => {
    const capability = await capabilityOr404(c.req.param('slug'));
    const touchpoint = asTouchpoint(c.req.query('touchpoint'));
    const status = await pulseStatus(deps, c.get('actor')!, capability.slug);
    if (status.nextOn) {
      return throttledPage(
        c,
        capability,
        `Thanks — you already rated ${capability.name} recently. You can rate it again from ${formatDate(status.nextOn)}.`,
        status.silenced,
      );
    }
    return pulsePage(c, capability, touchpoint, {}, [], status.silenced);
  });

  web.post('/pulse/:slug', policy('pulse.submit'), async (c) => {
    const capability = await capabilityOr404(c.req.param('slug'));
    const { values } = await readFormAll(c);
    const touchpoint = asTouchpoint(values.touchpoint);
    const rating = values.rating?.trim() ? Number(values.rating) : Number.NaN;
    try {
      await submitPulse(deps, c.get('actor')!, {
        capability: capability.slug,
        rating,
        ...(values.comment?.trim() ? { comment: values.comment } : {}),
        ...(touchpoint ? { touchpoint } : {}),
      });
    } catch (error) {
      const { silenced } = await pulseStatus(deps, c.get('actor')!, capability.slug);
      if (error instanceof InvalidInput) {
        const errors = error.errors.length
          ? error.errors
          : [{ path: 'rating', message: error.message }];
        return pulsePage(c, capability, touchpoint, values, errors, silenced, 400);
      }
      if (error instanceof Conflict)
        return throttledPage(c, capability, error.message, silenced, 409);
      throw error;
    }
    return c.redirect(pulsePath(capability.slug, '/thanks'), 303);
  });

  web.get('/pulse/:slug/thanks', policy('pulse.submit'), async (c) => {
    const capability = await capabilityOr404(c.req.param('slug'));
    return renderPage(
      c,
      { title: 'Thank you for your rating' },
      <>
        <h1>Thank you for your rating</h1>
        <p class="lead">
          The platform team reads every month’s ratings of {capability.name}. Yours counts from now,
          without your name.
        </p>
        <p>
          Results show per month once the month is over.{' '}
          <a href={`/pulses?${new URLSearchParams({ capability: capability.slug }).toString()}`}>
            See the ratings of {capability.name}
          </a>
          .
        </p>
      </>,
    );
  });

  web.post('/pulses/silence', policy('pulse.submit'), async (c) => {
    const { values } = await readFormAll(c);
    const silenced = values.silenced !== 'no';
    await silencePulses(db, c.get('actor')!, silenced);
    const back = safeBack(values.back);
    const sep = back.includes('?') ? '&' : '?';
    return c.redirect(`${back}${sep}silenced=${silenced ? 'yes' : 'no'}`, 303);
  });

  web.get('/pulses', policy('pulse.results'), async (c) => {
    const capabilities = (await listCapabilities(db)).filter((x) => x.stage !== 'idea');
    const slug = c.req.query('capability') || capabilities[0]?.slug;
    const period = c.req.query('period') || quarterOf(new Date()).key;
    if (!slug) {
      return renderPage(
        c,
        { title: 'Pulse results' },
        <>
          <h1>Pulse results</h1>
          <p class="lead">Quick ratings people give right after using a capability.</p>
          <EmptyState>
            The catalog has no capabilities yet, so there is nothing to rate.{' '}
            <a href="/capabilities">Go to the capability catalog</a>.
          </EmptyState>
        </>,
      );
    }
    const [k, kComment] = [
      await getSetting(db, anonymityK),
      await getSetting(db, anonymityKComment),
    ];
    try {
      const results = await pulseResults(db, { capability: slug, period, k, kComment });
      return pulseResultsPage(c, capabilities, results, []);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return pulseResultsPage(c, capabilities, null, error.errors, { capability: slug, period });
    }
  });
}

function SilenceForm(props: { c: Context<AppEnv>; silenced: boolean }) {
  const back =
    props.c.req.path +
    (props.c.req.query('touchpoint') ? `?touchpoint=${props.c.req.query('touchpoint')}` : '');
  return (
    <Form action="/pulses/silence" csrfToken={props.c.get('csrfToken')} class="silence">
      <input type="hidden" name="back" value={safeBack(back)} />
      <input type="hidden" name="silenced" value={props.silenced ? 'no' : 'yes'} />
      {props.silenced ? (
        <p>
          You asked paved not to ask you for ratings; you can still rate when you want to.{' '}
          <button type="submit" class="link-button">
            Ask me again
          </button>
        </p>
      ) : (
        <p>
          Rather not be asked?{' '}
          <button type="submit" class="link-button">
            Stop asking me for ratings
          </button>
        </p>
      )}
    </Form>
  );
}

function SilenceNotice({ c }: { c: Context<AppEnv> }) {
  const s = c.req.query('silenced');
  if (s === 'yes') return <Notice>paved will not ask you for ratings any more.</Notice>;
  if (s === 'no') return <Notice>paved may ask you for a quick rating again.</Notice>;
  return null;
}

function pulsePage(
  c: Context<AppEnv>,
  capability: Capability,
  touchpoint: Touchpoint | undefined,
  values: Record<string, string>,
  errors: FieldError[],
  silenced: boolean,
  status: 200 | 400 = 200,
) {
  const title = heading(touchpoint, capability.name);
  return renderPage(
    c,
    { title: errors.length ? `Error: ${title}` : title, status },
    <>
      <h1>{title}</h1>
      <p class="lead">
        One quick rating of {capability.name} for the platform team. It is anonymous: paved keeps
        the rating, your comment, where you were asked and the month — not who you are or your team.
      </p>
      <SilenceNotice c={c} />
      <ErrorSummary errors={errors} />
      <Form action={pulsePath(capability.slug)} csrfToken={c.get('csrfToken')} class="pulse-form">
        {touchpoint ? <input type="hidden" name="touchpoint" value={touchpoint} /> : null}
        <ScaleField
          path="rating"
          name="rating"
          legend={`How was your experience with ${capability.name} just now?`}
          hint="1 means very poor, 5 means very good."
          min={1}
          max={5}
          minLabel={QUESTIONS.customRating.minLabel}
          maxLabel={QUESTIONS.customRating.maxLabel}
          value={values.rating}
          error={
            errorFor(errors, 'rating') ??
            errorFor(errors, 'capability') ??
            errorFor(errors, 'touchpoint')
          }
        />
        <Field
          name="comment"
          label="What made it so? (optional)"
          hint="Comments show only in months with enough ratings to keep them anonymous."
          multiline
          value={values.comment}
          error={errorFor(errors, 'comment')}
        />
        <button type="submit">Send my rating</button>
      </Form>
      <SilenceForm c={c} silenced={silenced} />
    </>,
  );
}

function throttledPage(
  c: Context<AppEnv>,
  capability: Capability,
  message: string,
  silenced: boolean,
  status: 200 | 409 = 200,
) {
  return renderPage(
    c,
    { title: `You rated ${capability.name} recently`, status },
    <>
      <h1>You rated {capability.name} recently</h1>
      <p class="lead">{message}</p>
      <SilenceNotice c={c} />
      <p>
        paved asks about each capability at most once in a while, so ratings stay quick and nobody
        is asked over and over.{' '}
        <a href={`/pulses?${new URLSearchParams({ capability: capability.slug }).toString()}`}>
          See the ratings of {capability.name}
        </a>
        .
      </p>
      <SilenceForm c={c} silenced={silenced} />
    </>,
  );
}

type PulseResultsData = Awaited<ReturnType<typeof pulseResults>>;

function monthWords(month: string): string {
  return periodWords(month);
}

function pulseResultsPage(
  c: Context<AppEnv>,
  capabilities: Capability[],
  results: PulseResultsData | null,
  errors: FieldError[],
  asked?: { capability: string; period: string },
) {
  const slug = results?.capability.slug ?? asked?.capability ?? '';
  const period = results?.period ?? asked?.period ?? quarterOf(new Date()).key;
  const name = results?.capability.name ?? capabilities.find((x) => x.slug === slug)?.name;
  const title = name ? `Pulse results: ${name}` : 'Pulse results';
  const months = results
    ? results.cuts.filter((x) => x.month !== null && x.touchpoint === null)
    : [];
  const chartRows = months.flatMap((m) =>
    m.rating.status === 'shown' && m.rating.value !== null && m.rating.interval
      ? [
          {
            month: monthWords(m.month!),
            value: m.rating.value,
            low: m.rating.interval.low,
            high: m.rating.interval.high,
            n: m.rating.n,
          },
        ]
      : [],
  );
  const whole = results?.cuts.find((x) => x.month === null);
  const commentsOf = (m: PulseCut): string[] =>
    m.comments?.status === 'shown' ? m.comments.items : [];
  const withComments = months.filter((m) => commentsOf(m).length > 0);
  return renderPage(
    c,
    { title, status: errors.length ? 400 : 200 },
    <>
      <h1>{title}</h1>
      <p class="lead">
        Quick ratings people gave right after using a capability, per month. A month shows once it
        is over.
      </p>
      <ErrorSummary errors={errors} />
      <form method="get" action="/pulses" class="filters inline-form" novalidate>
        <SelectField
          name="capability"
          label="Capability"
          value={slug}
          error={errorFor(errors, 'capability')}
          options={capabilities.map((x) => ({ value: x.slug, label: x.name }))}
        />
        <SelectField
          name="period"
          label="Period"
          value={period}
          error={errorFor(errors, 'period')}
          options={periodChoices(period).map((p) => ({ value: p, label: periodWords(p) }))}
        />
        <button type="submit">Show the ratings</button>
      </form>
      {results ? (
        results.months.length === 0 ? (
          <EmptyState>
            No month of {periodWords(results.period)} is over yet. Ratings show once their month
            ends, so nobody can watch one arrive.
          </EmptyState>
        ) : (
          <>
            {whole ? (
              <p>
                <strong>{periodWords(results.period)}, completed months:</strong>{' '}
                {whole.rating.status === 'shown'
                  ? `rated 4 or 5 of 5 by ${shareText(whole.rating, 'rating')}.`
                  : whole.rating.status === 'empty'
                    ? 'No ratings yet.'
                    : HIDDEN_TEXT}
              </p>
            ) : null}
            {chartRows.length > 1 ? (
              <Chart
                title={`Share rating ${results.capability.name} 4 or 5, by month, with 95% intervals`}
                description={`From ${chartRows[0]!.month} to ${chartRows[chartRows.length - 1]!.month} the share went from ${Math.round(chartRows[0]!.value)}% to ${Math.round(chartRows[chartRows.length - 1]!.value)}%.`}
                plot={{
                  marks: [
                    Plot.ruleX(chartRows, { x: 'month', y1: 'low', y2: 'high' }),
                    Plot.dot(chartRows, { x: 'month', y: 'value', fill: 'currentColor', r: 4 }),
                  ],
                  y: { domain: [0, 100], label: 'Rated 4 or 5 (%)', grid: true },
                  x: { label: null, domain: chartRows.map((r) => r.month) },
                  height: 260,
                }}
                columns={[
                  { label: 'Month', cell: (r) => r.month },
                  { label: 'Rated 4 or 5 (%)', numeric: true, cell: (r) => Math.round(r.value) },
                  {
                    label: '95% interval (%)',
                    numeric: true,
                    cell: (r) => `${Math.round(r.low)} to ${Math.round(r.high)}`,
                  },
                  { label: 'Ratings', numeric: true, cell: (r) => r.n },
                ]}
                rows={chartRows}
              />
            ) : null}
            <DataTable
              caption={`Ratings of ${results.capability.name} by month and where people were asked`}
              rows={results.cuts.filter((x) => x.month !== null)}
              columns={[
                {
                  label: 'Month',
                  cell: (x: PulseCut) =>
                    x.touchpoint === null ? (
                      <strong>{monthWords(x.month!)}</strong>
                    ) : (
                      <span class="cut depth-2">
                        {TOUCHPOINT_WORDS[x.touchpoint] ?? x.touchpoint}
                      </span>
                    ),
                },
                {
                  label: 'Rated 4 or 5 of 5 (95% interval, ratings)',
                  cell: (x: PulseCut) =>
                    x.rating.status === 'shown'
                      ? shareText(x.rating, 'rating')
                      : x.rating.status === 'empty'
                        ? 'No ratings'
                        : 'Not shown',
                },
                {
                  label: 'Mean (1–5)',
                  numeric: true,
                  cell: (x: PulseCut) =>
                    x.rating.status === 'shown' && x.rating.mean !== null
                      ? x.rating.mean.toFixed(1)
                      : '',
                },
              ]}
            />
            <p class="note">“Not shown”: {HIDDEN_TEXT}</p>
            <h2>Comments</h2>
            {withComments.length === 0 ? (
              <p>
                No comments to show: either nobody wrote one, or no month had enough ratings to keep
                them anonymous.
              </p>
            ) : (
              withComments.map((m) => (
                <>
                  <h3>{monthWords(m.month!)}</h3>
                  <ul class="comment-list">
                    {commentsOf(m).map((t) => (
                      <li class="prose">{t}</li>
                    ))}
                  </ul>
                </>
              ))
            )}
          </>
        )
      ) : null}
    </>,
  );
}
