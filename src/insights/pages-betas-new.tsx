// Starting a beta program: the capability, dates, target and decider, and the
// success criteria chosen from figures, each with its threshold.

import type { Context } from 'hono';
import { errorFor } from '../capabilities/pages-shared.tsx';
import { listCapabilities, listCategories } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import { EmptyState, ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  addDays,
  BETA_DEFAULTS,
  type CriterionInput,
  type CriterionKind,
  parseShare,
  shareText,
} from './betas-model.ts';
import type { StartBetaInput } from './betas-service.ts';

/** The form's field for each criterion setting, by kind and the service's field name. */
const FIELD: Record<string, string> = {
  'csat.threshold': 'csatThreshold',
  'csat.minN': 'csatMinN',
  'csat.kind': 'csat',
  'stay-rate.threshold': 'stayThreshold',
  'stay-rate.afterWeeks': 'stayWeeks',
  'stay-rate.kind': 'stay',
  'open-problems.kind': 'problems',
};

/** The values a new form starts with: today, eight weeks to review, every criterion. */
export function newBetaDefaults(today: string, capability?: string): Record<string, string> {
  return {
    capability: capability ?? '',
    startsOn: today,
    reviewOn: addDays(today, 56),
    targetTeams: String(BETA_DEFAULTS.targetTeams),
    category: BETA_DEFAULTS.category,
    csat: 'yes',
    csatThreshold: String(BETA_DEFAULTS.csat.threshold),
    csatMinN: String(BETA_DEFAULTS.csat.minN),
    stay: 'yes',
    stayThreshold: shareText(BETA_DEFAULTS.stayRate.threshold),
    stayWeeks: String(BETA_DEFAULTS.stayRate.afterWeeks),
    problems: 'yes',
  };
}

/**
 * The submitted form as the service's input, with the field errors the form
 * itself can tell (numbers that are not numbers); `fieldOf` turns the
 * service's `criteria.<i>.<field>` paths back into the form's field names.
 */
export function fromNewForm(values: Record<string, string>): {
  input: StartBetaInput;
  errors: FieldError[];
  fieldOf: (path: string) => string;
} {
  const errors: FieldError[] = [];
  const number = (
    name: string,
    label: string,
    parse: (t: string) => number | null = (t) => Number(t),
  ) => {
    const text = values[name]?.trim() ?? '';
    if (!text) return undefined;
    const n = parse(text);
    if (n === null || !Number.isFinite(n)) {
      errors.push({ path: name, message: `Give ${label} as a number.` });
      return undefined;
    }
    return n;
  };
  const criteria: CriterionInput[] = [];
  const kinds: CriterionKind[] = [];
  if (values.csat === 'yes') {
    kinds.push('csat');
    criteria.push({
      kind: 'csat',
      threshold: number('csatThreshold', 'the satisfaction threshold'),
      minN: number('csatMinN', 'the fewest answers'),
    });
  }
  if (values.stay === 'yes') {
    kinds.push('stay-rate');
    criteria.push({
      kind: 'stay-rate',
      threshold: number('stayThreshold', 'the share of teams that stay (such as 2/3)', parseShare),
      afterWeeks: number('stayWeeks', 'the weeks after joining'),
    });
  }
  if (values.problems === 'yes') {
    kinds.push('open-problems');
    criteria.push({ kind: 'open-problems' });
  }
  const target = number('targetTeams', 'the number of teams');
  return {
    input: {
      capability: values.capability ?? '',
      startsOn: values.startsOn?.trim() ?? '',
      reviewOn: values.reviewOn?.trim() ?? '',
      targetTeams: target,
      category: values.category || undefined,
      notes: values.notes ?? null,
      criteria,
    },
    errors,
    fieldOf: (path) => {
      const m = /^criteria\.(\d+)\.(\w+)$/.exec(path);
      if (!m) return path;
      return FIELD[`${kinds[Number(m[1])]}.${m[2]}`] ?? 'criteria';
    },
  };
}

function Check(props: { name: string; label: string; checked: boolean }) {
  return (
    <div class="option">
      <input
        type="checkbox"
        id={`field-${props.name}`}
        name={props.name}
        value="yes"
        checked={props.checked}
      />
      <label for={`field-${props.name}`}>{props.label}</label>
    </div>
  );
}

/** The form to start a beta, with the error summary and each field's message after a refusal. */
export async function newBetaPage(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, string>,
  errors: FieldError[],
  status: 200 | 400 | 409 = 200,
) {
  const [all, categories] = await Promise.all([listCapabilities(db), listCategories(db)]);
  // Capabilities in beta, and the one chosen even if it is not (so the input is kept).
  const capabilities = all.filter((k) => k.stage === 'beta' || k.slug === values.capability);
  const criteriaError = errorFor(errors, 'criteria');
  return renderPage(
    c,
    { title: 'Start a beta program', status },
    <>
      <h1>Start a beta program</h1>
      <p class="lead">
        A few volunteer teams try a capability in beta before everyone. Say how you will judge it,
        and when its decider reviews it.
      </p>
      <ErrorSummary errors={errors} />
      {capabilities.length === 0 ? (
        <EmptyState>
          <p>
            No capability is in stage beta. Move one to beta on its page first, then start its beta
            program here.
          </p>
        </EmptyState>
      ) : null}
      <Form action="/betas" csrfToken={c.get('csrfToken')} class="stacked">
        <SelectField
          name="capability"
          label="Capability"
          hint="Only capabilities in stage beta; one beta at a time each."
          value={values.capability}
          error={errorFor(errors, 'capability')}
          options={[
            { value: '', label: 'Choose a capability' },
            ...capabilities.map((k) => ({ value: k.slug, label: k.name })),
          ]}
        />
        <Field
          name="startsOn"
          label="Starts on"
          hint="Teams that start trying it from this day on are the beta’s volunteers."
          type="date"
          value={values.startsOn}
          error={errorFor(errors, 'startsOn')}
        />
        <Field
          name="reviewOn"
          label="Review on"
          hint="The day its decider decides: graduate, or iterate with a new date."
          type="date"
          value={values.reviewOn}
          error={errorFor(errors, 'reviewOn')}
        />
        <Field
          name="targetTeams"
          label="Teams to look for"
          hint="Two or three volunteer teams is usual."
          type="number"
          value={values.targetTeams}
          error={errorFor(errors, 'targetTeams')}
        />
        <SelectField
          name="category"
          label="Who decides"
          hint="The decision category whose decider graduates it, as the decision rights say."
          value={values.category}
          error={errorFor(errors, 'category')}
          options={categories.map((k) => ({
            value: k.key,
            label: `${k.label} — ${k.deciderRole === 'leader' ? 'leadership' : 'the platform team'} decides`,
          }))}
        />
        <fieldset class="checkboxes" id="field-criteria" tabindex={-1}>
          <legend>Success criteria</legend>
          <span class="hint">
            Choose at least one. Each shows as met, not met or not yet measurable.
          </span>
          {criteriaError ? (
            <span class="error">
              <span class="visually-hidden">Error: </span>
              {criteriaError}
            </span>
          ) : null}
          <Check
            name="csat"
            label="Beta teams are satisfied with it (survey CSAT, 4 or 5 of 5)"
            checked={values.csat === 'yes'}
          />
          <Field
            name="csatThreshold"
            label="Share satisfied, in percent"
            type="number"
            value={values.csatThreshold}
            error={errorFor(errors, 'csatThreshold')}
          />
          <Field
            name="csatMinN"
            label="From at least this many answers"
            hint="Never fewer than the anonymity threshold: smaller groups are not shown."
            type="number"
            value={values.csatMinN}
            error={errorFor(errors, 'csatMinN')}
          />
          <Check
            name="stay"
            label="Teams keep using it after they joined"
            checked={values.stay === 'yes'}
          />
          <Field
            name="stayThreshold"
            label="Share of teams that stay"
            hint="A fraction such as 2/3, or a percentage such as 75%."
            value={values.stayThreshold}
            error={errorFor(errors, 'stayThreshold')}
          />
          <Field
            name="stayWeeks"
            label="Weeks after joining"
            type="number"
            value={values.stayWeeks}
            error={errorFor(errors, 'stayWeeks')}
          />
          <Check
            name="problems"
            label="No problem reported on it is left open past the acknowledgement time"
            checked={values.problems === 'yes'}
          />
        </fieldset>
        <Field
          name="notes"
          label="Notes (optional)"
          hint="What the beta is for, what you want to learn."
          multiline
          value={values.notes}
          error={errorFor(errors, 'notes')}
        />
        <button type="submit">Start the beta</button>
      </Form>
      <p>
        <a href="/betas">Cancel</a>
      </p>
    </>,
  );
}
