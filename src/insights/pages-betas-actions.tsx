// The pages before the hard-to-undo beta actions: leaving the beta (the form
// is the confirmation, with the reason) and the decider's review (graduate
// or iterate, with the rationale), each saying the consequence first.

import type { Context } from 'hono';
import type { AdoptionReason } from '../capabilities/model.ts';
import { errorFor } from '../capabilities/pages-shared.tsx';
import type { FieldError } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import {
  DataTable,
  DateText,
  ErrorSummary,
  Field,
  Form,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Team } from '../org/model.ts';
import type { BetaDetail } from './betas.ts';
import { criterionText, type ReviewOutcome } from './betas-model.ts';
import { betaPath, VerdictTag } from './pages-betas-shared.tsx';

/** Leaving the beta: what it means, the reason and what the team uses instead. */
export function leavePage(
  c: Context<AppEnv>,
  props: {
    detail: BetaDetail;
    team: Team;
    reasons: AdoptionReason[];
    values: Record<string, string>;
    errors: FieldError[];
  },
  status: 200 | 400 | 409 = 200,
) {
  const { detail: d, team, reasons, values, errors } = props;
  const name = d.capability.name;
  return renderPage(
    c,
    { title: `Leave the ${name} beta`, status },
    <>
      <h1>
        Take {team.name} out of the {name} beta?
      </h1>
      <p class="lead">
        {team.name} will be recorded as having left {name}, with your reason and what you use
        instead. The platform team reads why, and the beta counts the team as one that did not stay.
        You can try {name} again at any time.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={betaPath(d.id, '/leave')} csrfToken={c.get('csrfToken')}>
        <input type="hidden" name="team" value={team.slug} />
        <SelectField
          name="reason"
          label="Why is the team leaving?"
          value={values.reason}
          error={errorFor(errors, 'reason')}
          options={[
            { value: '', label: 'Choose a reason' },
            ...reasons.map((r) => ({ value: r.key, label: r.label })),
          ]}
        />
        <Field
          name="reasonText"
          label="Tell the platform team more (optional)"
          hint="What happened, and what would bring you back."
          multiline
          value={values.reasonText}
          error={errorFor(errors, 'reasonText')}
        />
        <Field
          name="alternative"
          label="What does the team use instead?"
          hint="Another tool or service, your own scripts, or nothing."
          value={values.alternative}
          error={errorFor(errors, 'alternative')}
        />
        <button type="submit" class="danger">
          Leave the beta
        </button>
      </Form>
      <p>
        <a href={betaPath(d.id)}>Cancel and stay in the beta</a>
      </p>
    </>,
  );
}

const CONSEQUENCE: Record<ReviewOutcome, (name: string) => string> = {
  graduate: (name) =>
    `${name} becomes generally available: every team it is offered to can take it up, and the beta ends. This is hard to undo.`,
  iterate: (name) =>
    `${name} stays in beta while the platform team works on what the beta teams found; the beta carries on to the next review date.`,
};

/** The decider's confirmation: the consequence, the criteria as they stand, the rationale. */
export function reviewPage(
  c: Context<AppEnv>,
  props: {
    detail: BetaDetail;
    outcome: ReviewOutcome;
    values: Record<string, string>;
    errors: FieldError[];
  },
  status: 200 | 400 | 409 = 200,
) {
  const { detail: d, outcome, values, errors } = props;
  const name = d.capability.name;
  const title = outcome === 'graduate' ? `Graduate ${name}?` : `Keep ${name} in beta?`;
  return renderPage(
    c,
    { title, status },
    <>
      <h1>{title}</h1>
      <p class="lead">{CONSEQUENCE[outcome](name)}</p>
      <ErrorSummary errors={errors} />
      <p>
        {d.criteriaSummary}. {d.activeTeams} of the {d.teams} teams that joined still use it (the
        beta looks for {d.targetTeams}).
      </p>
      <DataTable
        caption="The criteria as they stand now; they are stored with your decision"
        rows={d.criteria}
        empty={<p>This beta has no success criteria.</p>}
        columns={[
          { label: 'Criterion', cell: (x) => criterionText(x) },
          { label: 'Verdict', cell: (x) => <VerdictTag verdict={x.verdict} /> },
          { label: 'What the figures say', cell: (x) => x.explanation },
        ]}
      />
      <Form action={betaPath(d.id, '/review')} csrfToken={c.get('csrfToken')}>
        <input type="hidden" name="outcome" value={outcome} />
        <Field
          name="rationale"
          label="Rationale"
          hint="Why, in a few sentences: everyone can read it in the decision log."
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        {outcome === 'iterate' ? (
          <Field
            name="nextReviewOn"
            label="Next review"
            hint="The day you look at it again."
            type="date"
            value={values.nextReviewOn}
            error={errorFor(errors, 'nextReviewOn')}
          />
        ) : null}
        <button type="submit" class={outcome === 'graduate' ? 'danger' : undefined}>
          {outcome === 'graduate' ? `Graduate ${name}` : 'Keep iterating'}
        </button>
      </Form>
      <p>
        <a href={betaPath(d.id)}>Cancel and go back to the beta</a>
        {d.reviewOn ? (
          <>
            {' '}
            <span class="muted">
              (review due <DateText iso={d.reviewOn} />)
            </span>
          </>
        ) : null}
      </p>
    </>,
  );
}
