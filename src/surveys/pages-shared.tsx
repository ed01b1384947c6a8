// What the survey pages share: words for states, paths, the radio groups
// the answer and pulse forms are built from, and how anonymity is explained.

import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../core/http/env.ts';
import { formatDate, relativeTime } from '../core/ui/components.tsx';
import type { Audience, Survey, SurveyState } from './model.ts';
import type { Ctx } from './service.ts';

export const STATE_WORDS: Record<SurveyState, string> = {
  draft: 'Draft',
  open: 'Open',
  closed: 'Closed',
};

export const AUDIENCE_WORDS: Record<Audience, string> = {
  all: 'Everyone',
  teams: 'Chosen teams',
};

export const surveyPath = (id: string, rest = '') => `/surveys/${encodeURIComponent(id)}${rest}`;

export const pulsePath = (slug: string, rest = '') => `/pulse/${encodeURIComponent(slug)}${rest}`;

/** Who acts, from where: the service's context for this request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { actor: c.get('actor')!, ip: c.get('clientIp') };
}

/**
 * A submitted form: every field as text, and fields sent more than once
 * (checkboxes) as lists. Hono caches the body the CSRF check already read.
 */
export async function readFormAll(
  c: Context<AppEnv>,
): Promise<{ values: Record<string, string>; lists: Record<string, string[]> }> {
  const body = await c.req.parseBody({ all: true });
  const values: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const all = (Array.isArray(value) ? value : [value]).filter(
      (v): v is string => typeof v === 'string',
    );
    lists[key] = all;
    if (all.length > 0) values[key] = all[all.length - 1]!;
  }
  return { values, lists };
}

/** `12 Dec` this year, `12 Dec 2027` otherwise: the short date a banner uses. */
export function shortDate(day: string, now: Date = new Date()): string {
  const full = formatDate(day);
  return day.slice(0, 4) === String(now.getUTCFullYear()) ? full.replace(/ \d{4}$/, '') : full;
}

/** A day with the relative time beside it in its title ("in 3 days"). */
export function Day({ day, short }: { day: string; short?: boolean }) {
  return (
    <time datetime={day} title={relativeTime(day)}>
      {short ? shortDate(day) : formatDate(day)}
    </time>
  );
}

/** "Q4 platform survey — 4 minutes — closes 12 Dec" (shared/UX.md). */
export function SurveyLine({ survey }: { survey: Survey }) {
  return (
    <>
      {survey.title} — 4 minutes
      {survey.closesOn ? (
        <>
          {' '}
          — closes <Day day={survey.closesOn} short />
        </>
      ) : null}
    </>
  );
}

/** The error message beside a field, read out with it. */
export function FieldMessage({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <span class="error" id={`${id}-error`}>
      <span class="visually-hidden">Error: </span>
      {error}
    </span>
  );
}

const describedBy = (id: string, hint?: Child, error?: string) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

/**
 * A rating scale as one radio group: a fieldset whose legend is the question,
 * each value a radio with its number as the label, the ends labelled in
 * words, and "No answer" last so a choice can be taken back without script.
 * The first radio carries `field-<path>`, where the error summary links.
 */
export function ScaleField(props: {
  path: string;
  name: string;
  legend: Child;
  hint?: Child;
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
  value?: string;
  error?: string;
  /** Offer "No answer" (every survey question is optional). */
  skip?: boolean;
}) {
  const id = `field-${props.path}`;
  const values = Array.from({ length: props.max - props.min + 1 }, (_, i) => props.min + i);
  return (
    <fieldset
      class={props.error ? 'field scale field-error' : 'field scale'}
      aria-describedby={describedBy(id, props.hint, props.error)}
    >
      <legend>{props.legend}</legend>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldMessage id={id} error={props.error} />
      <div class="scale-options">
        {values.map((v, i) => {
          const optionId = i === 0 ? id : `${id}-${v}`;
          return (
            <div class="scale-option">
              <input
                type="radio"
                id={optionId}
                name={props.name}
                value={String(v)}
                checked={props.value === String(v)}
              />
              <label for={optionId}>
                <span class="scale-value">{v}</span>
                {v === props.min ? <span class="scale-end">{props.minLabel}</span> : null}
                {v === props.max ? <span class="scale-end">{props.maxLabel}</span> : null}
              </label>
            </div>
          );
        })}
      </div>
      {props.skip ? (
        <div class="choice scale-skip">
          <input
            type="radio"
            id={`${id}-none`}
            name={props.name}
            value=""
            checked={props.value === ''}
          />
          <label for={`${id}-none`}>No answer</label>
        </div>
      ) : null}
    </fieldset>
  );
}

/** Choices one under the other (radios or checkboxes) in a fieldset. */
export function ChoiceField(props: {
  path: string;
  name: string;
  legend: Child;
  hint?: Child;
  type?: 'radio' | 'checkbox';
  options: { value: string; label: Child }[];
  /** The chosen value(s). */
  value?: string | string[];
  error?: string;
}) {
  const id = `field-${props.path}`;
  const chosen = new Set(Array.isArray(props.value) ? props.value : [props.value]);
  return (
    <fieldset
      class={props.error ? 'field field-error' : 'field'}
      aria-describedby={describedBy(id, props.hint, props.error)}
    >
      <legend>{props.legend}</legend>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldMessage id={id} error={props.error} />
      {props.options.map((o, i) => {
        const optionId = i === 0 ? id : `${id}-${i}`;
        return (
          <div class="choice">
            <input
              type={props.type ?? 'radio'}
              id={optionId}
              name={props.name}
              value={o.value}
              checked={chosen.has(o.value)}
            />
            <label for={optionId}>{o.label}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

/** What paved promises about a survey's answers, said plainly before anyone answers. */
export function AnonymityNote({ survey }: { survey: Survey }) {
  const k = survey.k ?? 5;
  const kComment = survey.kComment ?? 10;
  return (
    <section class="anonymity" aria-labelledby="anonymity-title">
      <h2 id="anonymity-title">How your answers stay anonymous</h2>
      <ul>
        <li>
          Your answers are stored without your name, your account or the time you sent them. Each
          answer is kept on its own, with only your team, how long you have been here (in bands such
          as “1 to 3 years”) and your level.
        </li>
        <li>
          Where fewer than {k} people share that team, band and level, paved keeps less of it (first
          the level, then the band, then the team becomes its parent team), so no group is small
          enough to point at you.
        </li>
        <li>
          While the survey is open, paved remembers that you answered — to stop a second answer —
          never what. When it closes, it forgets even that: from then on nobody, the platform team
          and admins included, can link an answer to you.
        </li>
        <li>
          Results appear only after the survey closes, only for groups of at least {k} people, and
          comments only for groups of at least {kComment}.
        </li>
      </ul>
    </section>
  );
}

export { periodWords } from './words.ts';

/**
 * The home page's banner for open surveys the person has not answered:
 * "Q4 platform survey — 4 minutes — closes 12 Dec", linking to the form.
 */
export function SurveyBanner({ surveys }: { surveys: Survey[] }) {
  if (surveys.length === 0) return null;
  return (
    <section class="survey-banner" aria-labelledby="survey-banner-title">
      <h2 id="survey-banner-title">
        {surveys.length === 1 ? 'A survey asks for you' : 'Surveys ask for you'}
      </h2>
      <ul>
        {surveys.map((survey) => (
          <li>
            <a href={surveyPath(survey.id)}>
              <SurveyLine survey={survey} />
            </a>
          </li>
        ))}
      </ul>
      <p>Your answers are anonymous: nobody can link them to you.</p>
    </section>
  );
}
