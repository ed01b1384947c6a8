import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { type FieldError, Forbidden, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import {
  DateText,
  ErrorSummary,
  Field,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getTeamById } from '../org/store.ts';
import { EXCEPTION_OUTCOMES, type ExceptionOutcome, type ExceptionRequest } from './model.ts';
import { denyPage, pathOf, revokePage } from './pages-exception-confirm.tsx';
import {
  capabilityPath,
  ctxOf,
  errorFor,
  formErrors,
  KIND_WORDS,
  ROLE_WORDS,
  readForm,
  STATUS_WORDS,
  Tag,
  teamPath,
  userNames,
} from './pages-shared.tsx';
import { canDecide, decideException, deciderRoleFor, revokeException } from './service.ts';
import { getCapabilityById, getCategory, getException } from './store.ts';

async function exceptionOrThrow(db: Db, id: string): Promise<ExceptionRequest> {
  const exception = await getException(db, id);
  if (!exception) throw new NotFound('There is no such exception request.');
  return exception;
}

const isOpen = (e: ExceptionRequest) => e.status === 'pending' || e.status === 'escalated';

/** One request: its details, who decides it, and (for its decider) the decision and revoke forms. */
export function registerExceptionPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/exceptions/:id', policy('capability.read'), async (c) => {
    const exception = await exceptionOrThrow(db, c.req.param('id'));
    return exceptionPage(c, db, exception, {}, []);
  });

  web.post('/exceptions/:id/decision', policy('capability.read'), async (c) => {
    const exception = await exceptionOrThrow(db, c.req.param('id'));
    if (!(await canDecide(db, c.get('actor'), exception))) {
      throw new Forbidden('Only the decider for this request’s category can decide it.');
    }
    const values = await readForm(c);
    const outcome = values.outcome as ExceptionOutcome;
    if (!EXCEPTION_OUTCOMES.includes(outcome)) {
      return exceptionPage(c, db, exception, values, [
        { path: 'outcome', message: 'Choose approve, deny or escalate.' },
      ]);
    }
    // Denying is hard to undo for the team: confirm it first, on a page of its own.
    if (outcome === 'denied' && values.confirmed !== 'yes') {
      return denyPage(c, db, exception, values, []);
    }
    try {
      await decideException(db, ctxOf(c), exception.id, {
        outcome,
        rationale: values.rationale ?? '',
        expiresOn: values.expiresOn || null,
      });
    } catch (error) {
      const problems = formErrors(error, 'outcome');
      if (!problems) throw error;
      return outcome === 'denied'
        ? denyPage(c, db, exception, values, problems)
        : exceptionPage(c, db, exception, values, problems);
    }
    return c.redirect(`${pathOf(exception)}?done=${outcome}`, 303);
  });

  web.get('/exceptions/:id/revoke', policy('capability.read'), async (c) => {
    const exception = await revocable(c, db);
    return revokePage(c, exception, {}, []);
  });

  web.post('/exceptions/:id/revoke', policy('capability.read'), async (c) => {
    const exception = await revocable(c, db);
    const values = await readForm(c);
    try {
      await revokeException(db, ctxOf(c), exception.id, values.rationale ?? '');
    } catch (error) {
      const problems = formErrors(error, 'rationale');
      if (!problems) throw error;
      return revokePage(c, exception, values, problems);
    }
    return c.redirect(`${pathOf(exception)}?done=revoked`, 303);
  });
}

async function revocable(c: Context<AppEnv>, db: Db): Promise<ExceptionRequest> {
  const exception = await exceptionOrThrow(db, c.req.param('id') ?? '');
  if (!(await canDecide(db, c.get('actor'), exception))) {
    throw new Forbidden('Only the decider for this exception’s category can revoke it.');
  }
  if (exception.status !== 'approved') {
    throw new NotFound('Only an approved exception can be revoked, and this one is not.');
  }
  return exception;
}

const DONE: Record<string, string> = {
  requested: 'Your request is sent. Its decider sees it in their list; the decision shows here.',
  approved: 'Approved. The decision and your rationale are in the decision log.',
  denied: 'Denied. The decision and your rationale are in the decision log.',
  escalated: 'Escalated to leadership.',
  revoked: 'Revoked. The team is back to not using the capability, and must take it up.',
};

async function exceptionPage(
  c: Context<AppEnv>,
  db: Db,
  exception: ExceptionRequest,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const actor = c.get('actor');
  const capability = await getCapabilityById(db, exception.capabilityId);
  const team = await getTeamById(db, exception.teamId);
  const category = await getCategory(db, exception.category);
  const role = await deciderRoleFor(db, exception);
  const decides = await canDecide(db, actor, exception);
  const names = await userNames(db, [exception.requestedBy, exception.decidedBy]);
  const subject = capability?.name ?? 'a removed capability';
  const title = `${KIND_WORDS[exception.kind]} for ${subject}`;
  const done = DONE[c.req.query('done') ?? ''];
  const outcomes = EXCEPTION_OUTCOMES.filter(
    (o) => o !== 'escalated' || (exception.status === 'pending' && role !== 'leader'),
  );
  return renderPage(
    c,
    { title, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>{title}</h1>
      <p class="lead">
        {team?.name ?? 'A team'} asks{' '}
        {exception.kind === 'exception'
          ? `not to use ${subject} for now`
          : `for the policy that requires ${subject} to change`}
        ; {ROLE_WORDS[role]?.toLowerCase()} decides.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorSummary errors={errors} />
      <dl class="facts">
        <dt>Capability</dt>
        <dd>
          {capability ? <a href={capabilityPath(capability.slug)}>{capability.name}</a> : '—'}
        </dd>
        <dt>Team</dt>
        <dd>{team ? <a href={teamPath(team.slug)}>{team.name}</a> : '—'}</dd>
        <dt>Status</dt>
        <dd>
          <Tag>{STATUS_WORDS[exception.status]}</Tag>
        </dd>
        <dt>Asked</dt>
        <dd>
          <DateText iso={exception.createdAt} />
          {exception.requestedBy
            ? ` by ${names.get(exception.requestedBy) ?? 'a former user'}`
            : ''}
        </dd>
        <dt>Who decides</dt>
        <dd>
          {ROLE_WORDS[role]}, for {category?.label.toLowerCase() ?? exception.category}
          {exception.status === 'escalated' ? ' (escalated)' : ''}
        </dd>
        <dt>Why</dt>
        <dd class="prose">{exception.justification}</dd>
        <dt>Evidence</dt>
        <dd class="prose">{exception.evidence || 'None given'}</dd>
        {exception.decidedAt ? (
          <>
            <dt>Decided</dt>
            <dd>
              <DateText iso={exception.decidedAt} />
              {exception.decidedBy
                ? ` by ${names.get(exception.decidedBy) ?? 'a former user'}`
                : ''}
            </dd>
            <dt>Rationale</dt>
            <dd class="prose">{exception.rationale ?? '—'}</dd>
          </>
        ) : null}
        {exception.expiresOn ? (
          <>
            <dt>Ends</dt>
            <dd>
              <DateText iso={exception.expiresOn} />
            </dd>
          </>
        ) : null}
      </dl>
      {decides && isOpen(exception) ? (
        <section aria-labelledby="decide">
          <h2 id="decide">Decide this request</h2>
          <Form action={pathOf(exception, '/decision')} csrfToken={c.get('csrfToken')}>
            <SelectField
              name="outcome"
              label="Your decision"
              hint="Denying asks you to confirm on the next page."
              value={values.outcome}
              error={errorFor(errors, 'outcome')}
              options={outcomes.map((o) => ({
                value: o,
                label: { approved: 'Approve', denied: 'Deny', escalated: 'Escalate to leadership' }[
                  o
                ],
              }))}
            />
            <Field
              name="rationale"
              label="Rationale"
              hint="Why you decide this way. Everyone can read it in the decision log."
              multiline
              value={values.rationale}
              error={errorFor(errors, 'rationale')}
            />
            {exception.kind === 'exception' ? (
              <Field
                name="expiresOn"
                label="Exception ends on"
                hint="Needed when you approve: the team is exempt until this date, then back to not using it."
                type="date"
                value={values.expiresOn}
                error={errorFor(errors, 'expiresOn')}
              />
            ) : null}
            <button type="submit">Record the decision</button>
          </Form>
        </section>
      ) : null}
      {decides && exception.status === 'approved' ? (
        <p>
          <a class="button secondary" href={pathOf(exception, '/revoke')}>
            Revoke this exception
          </a>
        </p>
      ) : null}
      <p>
        <a href="/exceptions">All exceptions and policy challenges</a>
      </p>
    </>,
  );
}
