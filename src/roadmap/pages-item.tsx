import type { Context, Hono } from 'hono';
import { type FieldError, Forbidden, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import {
  DataTable,
  DateText,
  ErrorSummary,
  Field,
  Form,
  Notice,
  relativeTime,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { FeedbackStatus } from '../feedback/model.ts';
import { statusLabel } from '../feedback/model.ts';
import { feedbackPath } from '../feedback/service.ts';
import { changelogPath } from './changelog.ts';
import { feedKeyFor } from './feed-keys.ts';
import { FEEDS } from './feeds.ts';
import type { LinkedFeedback } from './linked.ts';
import {
  DRIVER_LABELS,
  HORIZON_LABELS,
  HORIZONS,
  nextStatuses,
  PROPOSAL_OUTCOMES,
  type ProposalOutcome,
  STANCES,
  STATUS_LABELS,
  type Stance,
} from './model.ts';
import { declinePage } from './pages-confirm.tsx';
import {
  ctxOf,
  errorFor,
  formErrors,
  itemLine,
  Markdown,
  ROLE_WORDS,
  readForm,
  Tag,
  votersLine,
} from './pages-shared.tsx';
import { canDecide, commentOn, itemOrThrow, itemPath } from './service.ts';
import { decideProposal, moveStatus, type StatusMove } from './service-status.ts';
import { detailOf, type ItemDetail } from './views.ts';

export const STANCE_WORDS: Record<Stance, string> = {
  support: 'Supports this',
  concern: 'Has concerns',
  comment: 'Comment',
};

const STANCE_CHOICES: Record<Stance, string> = {
  support: 'I support this',
  concern: 'I have concerns',
  comment: 'Just a comment',
};

const DONE: Record<string, string> = {
  created: 'Added to the roadmap.',
  edited: 'Saved.',
  commented: 'Your comment is posted. Its decider reads every comment before deciding.',
  planned:
    'Decided: planned. The decision and your rationale are in the decision log; the people who follow the linked feedback are told.',
  declined:
    'Decided against. The decision and your reason are in the decision log; the people who follow the linked feedback are told.',
  moved: 'Status changed; the people who follow the linked feedback are told.',
  shipped: 'Shipped. The changelog entry is published and everyone who asked is told.',
};

/** One roadmap item: comments, the decision, progress. */
export function registerItemPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/roadmap/:id', policy('roadmap.read'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    return itemPage(c, deps, await detailOf(db, item), {}, []);
  });

  web.post('/roadmap/:id/comments', policy('roadmap.comment'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const values = await readForm(c);
    const stance = values.stance as Stance;
    if (!STANCES.includes(stance)) {
      return itemPage(c, deps, await detailOf(db, item), values, [
        { path: 'stance', message: 'Choose whether you support it, have concerns, or comment.' },
      ]);
    }
    try {
      await commentOn(db, ctxOf(c), item.id, { stance, body: values.body ?? '' });
    } catch (error) {
      const problems = formErrors(error, 'body');
      if (!problems) throw error;
      return itemPage(c, deps, await detailOf(db, item), values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=commented#comments`, 303);
  });

  // "Decide against" as a link: the confirmation page, for the item's decider.
  web.get('/roadmap/:id/decline', policy('signed-in'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    if (!(await canDecide(db, c.get('actor'), item))) {
      throw new Forbidden('Only the decider for this item’s category can decide against it.');
    }
    const detail = await detailOf(db, item);
    if (item.status === 'proposed' && detail.window === 'closed') {
      return declinePage(c, detail, 'decision', {}, []);
    }
    if (item.status === 'planned' || item.status === 'in-progress') {
      return declinePage(c, detail, 'status', {}, []);
    }
    throw new NotFound(
      item.status === 'proposed'
        ? 'This proposal is still open for comment; decide once the window has closed.'
        : 'This item can no longer be decided against.',
    );
  });

  web.post('/roadmap/:id/decision', policy('signed-in'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    if (!(await canDecide(db, c.get('actor'), item))) {
      throw new Forbidden('Only the decider for this item’s category can decide it.');
    }
    const values = await readForm(c);
    const outcome = values.outcome as ProposalOutcome;
    const horizon = HORIZONS.find((h) => h === values.horizon);
    if (!PROPOSAL_OUTCOMES.includes(outcome)) {
      return itemPage(c, deps, await detailOf(db, item), values, [
        { path: 'outcome', message: 'Choose to plan it or to decide against it.' },
      ]);
    }
    // Deciding against is hard to undo for the people who asked: confirm it first.
    if (outcome === 'declined' && values.confirmed !== 'yes') {
      return declinePage(c, await detailOf(db, item), 'decision', values, []);
    }
    try {
      await decideProposal(db, ctxOf(c), item.id, {
        outcome,
        rationale: values.rationale ?? '',
        horizon,
      });
    } catch (error) {
      const problems = formErrors(error, 'outcome');
      if (!problems) throw error;
      return outcome === 'declined'
        ? declinePage(c, await detailOf(db, item), 'decision', values, problems)
        : itemPage(c, deps, await detailOf(db, item), values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=${outcome}`, 303);
  });

  web.post('/roadmap/:id/status', policy('signed-in'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const actor = c.get('actor');
    if (!can(actor, 'roadmap.manage') && !(await canDecide(db, actor, item))) {
      throw new Forbidden('Only the platform team moves roadmap items along.');
    }
    const values = await readForm(c);
    const to = values.status as StatusMove;
    const allowed = nextStatuses(item.status).filter((s) => s !== 'shipped');
    if (!allowed.includes(to)) {
      return itemPage(c, deps, await detailOf(db, item), values, [
        { path: 'status', message: 'Choose the new status.' },
      ]);
    }
    if (to === 'declined' && values.confirmed !== 'yes') {
      return declinePage(c, await detailOf(db, item), 'status', values, []);
    }
    const days = values.commentDays?.trim() ? Number(values.commentDays) : undefined;
    try {
      await moveStatus(db, ctxOf(c), item.id, { to, note: values.note ?? '', commentDays: days });
    } catch (error) {
      const problems = formErrors(error, 'status');
      if (!problems) throw error;
      return to === 'declined'
        ? declinePage(c, await detailOf(db, item), 'status', values, problems)
        : itemPage(c, deps, await detailOf(db, item), values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=${to === 'declined' ? 'declined' : 'moved'}`, 303);
  });
}

function feedbackStatus(status: string): string {
  try {
    return statusLabel(status as FeedbackStatus);
  } catch {
    return status;
  }
}

async function itemPage(
  c: Context<AppEnv>,
  deps: Deps,
  detail: ItemDetail,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const { item } = detail;
  const { db } = deps.handle;
  const actor = c.get('actor');
  const key = await feedKeyFor(db, deps.secret, actor!.userId);
  const feed = `${FEEDS.item(item.id)}?key=${encodeURIComponent(key)}`;
  const decides = await canDecide(db, actor, item);
  const manages = can(actor, 'roadmap.manage');
  const done = DONE[c.req.query('done') ?? ''];
  const csrf = c.get('csrfToken');
  const closes = item.commentsCloseAt;
  const moves = nextStatuses(item.status).filter(
    (s) => s !== 'shipped' && (s !== 'declined' || decides) && (manages || s === 'declined'),
  );
  const voters = votersLine(detail.voters);
  return renderPage(
    c,
    { title: item.title, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>{item.title}</h1>
      <p class="lead">
        {itemLine(item)}. {detail.category.label} — {ROLE_WORDS[detail.category.deciderRole]}{' '}
        decides.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorSummary errors={errors} />
      {detail.window === 'open' && closes ? (
        <p class="callout">
          <strong>
            Open for comment until <DateText iso={closes} />
          </strong>{' '}
          ({relativeTime(closes)}): {detail.tally.support} support it, {detail.tally.concern} have
          concerns. <a href="#comment-form">Add your comment</a>.
        </p>
      ) : null}
      {detail.window === 'closed' && closes ? (
        <p class="callout">
          Comments closed on <DateText iso={closes} />. {ROLE_WORDS[detail.category.deciderRole]}{' '}
          decides next: {detail.tally.support} supported it, {detail.tally.concern} had concerns.
        </p>
      ) : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Tag>{STATUS_LABELS[item.status]}</Tag>
        </dd>
        <dt>When</dt>
        <dd>{item.status === 'shipped' ? 'Done' : HORIZON_LABELS[item.horizon]}</dd>
        <dt>Driver</dt>
        <dd>{DRIVER_LABELS[item.driver]}</dd>
        <dt>Why</dt>
        <dd class="prose">{item.rationale}</dd>
        <dt>Who decides</dt>
        <dd>
          {ROLE_WORDS[detail.category.deciderRole]}, for {detail.category.label.toLowerCase()} (
          <a href="/decision-rights">decision rights</a>)
        </dd>
        {detail.capability ? (
          <>
            <dt>Capability</dt>
            <dd>
              <a href={`/capabilities/${encodeURIComponent(detail.capability.slug)}`}>
                {detail.capability.name}
              </a>
            </dd>
          </>
        ) : null}
        {item.decidedAt ? (
          <>
            <dt>Decided</dt>
            <dd>
              <DateText iso={item.decidedAt} />
            </dd>
            <dt>Decision</dt>
            <dd class="prose">{item.decisionRationale ?? '—'}</dd>
          </>
        ) : null}
        {detail.entry ? (
          <>
            <dt>Shipped</dt>
            <dd>
              <a href={changelogPath(detail.entry.id)}>{detail.entry.title}</a>
              {item.shippedAt ? (
                <>
                  {' '}
                  on <DateText iso={item.shippedAt} />
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {item.description ? (
        <section aria-labelledby="details">
          <h2 id="details">Details</h2>
          <Markdown source={item.description} />
        </section>
      ) : null}

      <h2 id="feedback">What developers asked for</h2>
      {voters ? <p>{voters} (each person counted once across the linked feedback).</p> : null}
      <DataTable
        caption="Linked feedback"
        rows={detail.feedback}
        empty={<p>No feedback is linked to this item.</p>}
        columns={[
          {
            label: 'Feedback',
            cell: (f: LinkedFeedback) => <a href={feedbackPath(f.id)}>{f.title}</a>,
          },
          {
            label: 'Status',
            cell: (f) =>
              f.mergedInto ? (
                <>
                  Merged into <a href={feedbackPath(f.mergedInto)}>another item</a>
                </>
              ) : (
                feedbackStatus(f.status)
              ),
          },
          { label: 'Votes', numeric: true, cell: (f) => f.votes },
        ]}
      />

      {detail.commentList.length > 0 || detail.window !== 'none' ? (
        <section aria-labelledby="comments">
          <h2 id="comments">Comments</h2>
          {detail.commentList.length === 0 ? (
            <p class="muted">No comments yet.</p>
          ) : (
            <ol class="comments">
              {detail.commentList.map((comment) => (
                <li>
                  <p>
                    <strong>{comment.authorName}</strong> <Tag>{STANCE_WORDS[comment.stance]}</Tag>{' '}
                    <DateText iso={comment.createdAt} />
                  </p>
                  {comment.body ? <p class="prose">{comment.body}</p> : null}
                </li>
              ))}
            </ol>
          )}
          {detail.window === 'open' ? (
            <Form action={itemPath(item.id, '/comments')} csrfToken={csrf}>
              <h3 id="comment-form">Add your comment</h3>
              <fieldset class={errorFor(errors, 'stance') ? 'field field-error' : 'field'}>
                <legend>Where you stand</legend>
                {errorFor(errors, 'stance') ? (
                  <span class="error" id="field-stance">
                    <span class="visually-hidden">Error: </span>
                    {errorFor(errors, 'stance')}
                  </span>
                ) : null}
                {STANCES.map((stance, i) => (
                  <label class="choice">
                    <input
                      type="radio"
                      name="stance"
                      value={stance}
                      id={i === 0 && !errorFor(errors, 'stance') ? 'field-stance' : undefined}
                      checked={(values.stance ?? 'support') === stance}
                    />{' '}
                    {STANCE_CHOICES[stance]}
                  </label>
                ))}
              </fieldset>
              <Field
                name="body"
                label="Your comment"
                hint="Needed for a concern or a comment; optional when you support it. Everyone signed in can read it, with your name."
                multiline
                value={values.body}
                error={errorFor(errors, 'body')}
              />
              <button type="submit">Post your comment</button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {decides && item.status === 'proposed' && detail.window === 'closed' ? (
        <section aria-labelledby="decide">
          <h2 id="decide">Decide this proposal</h2>
          <Form action={itemPath(item.id, '/decision')} csrfToken={csrf}>
            <SelectField
              name="outcome"
              label="Your decision"
              hint="Deciding against asks you to confirm on the next page."
              value={values.outcome}
              error={errorFor(errors, 'outcome')}
              options={[
                { value: 'planned', label: 'Plan it' },
                { value: 'declined', label: 'Decide against it' },
              ]}
            />
            <SelectField
              name="horizon"
              label="When, if planned"
              value={values.horizon ?? item.horizon}
              options={HORIZONS.map((h) => ({ value: h, label: HORIZON_LABELS[h] }))}
            />
            <Field
              name="rationale"
              label="Rationale"
              hint="Why you decide this way, answering the concerns raised. Everyone reads it in the decision log."
              multiline
              value={values.rationale}
              error={errorFor(errors, 'rationale')}
            />
            <button type="submit">Record the decision</button>
          </Form>
          <p>
            <a href={itemPath(item.id, '/decline')}>Decide against it</a> (asks you to confirm)
          </p>
        </section>
      ) : null}

      {moves.length > 0 ? (
        <section aria-labelledby="move">
          <h2 id="move">Change the status</h2>
          <Form action={itemPath(item.id, '/status')} csrfToken={csrf}>
            <SelectField
              name="status"
              label="New status"
              hint={
                moves.includes('declined')
                  ? 'Deciding against asks you to confirm on the next page.'
                  : undefined
              }
              value={values.status}
              error={errorFor(errors, 'status')}
              options={moves.map((s) => ({
                value: s,
                label: s === 'proposed' ? 'Reopen for comment' : STATUS_LABELS[s],
              }))}
            />
            <Field
              name="note"
              label="Note"
              hint="What changed and why. The people who follow the linked feedback read it."
              multiline
              value={values.note}
              error={errorFor(errors, 'note')}
            />
            {moves.includes('proposed') ? (
              <Field
                name="commentDays"
                label="Days open for comment, when reopening"
                hint="Leave empty for the usual window."
                type="number"
                value={values.commentDays}
                error={errorFor(errors, 'commentDays')}
              />
            ) : null}
            <button type="submit" class="secondary">
              Change the status
            </button>
          </Form>
        </section>
      ) : null}

      {manages ? (
        <p class="row-actions">
          {item.status === 'planned' || item.status === 'in-progress' ? (
            <a class="button" href={itemPath(item.id, '/ship')}>
              Ship it and publish a changelog entry
            </a>
          ) : null}
          <a class="button secondary" href={itemPath(item.id, '/edit')}>
            Edit this item
          </a>
        </p>
      ) : null}

      <h2 id="history">History</h2>
      <ol class="history">
        {detail.history.map((e) => (
          <li>
            <DateText iso={e.at} />:{' '}
            {e.kind === 'created'
              ? `added as ${STATUS_LABELS[e.toStatus].toLowerCase()}`
              : e.kind === 'edited'
                ? 'details changed'
                : `${STATUS_LABELS[e.fromStatus ?? e.toStatus].toLowerCase()} → ${STATUS_LABELS[e.toStatus].toLowerCase()}`}
            {e.actorName ? ` by ${e.actorName}` : ''}. <span class="prose">{e.note}</span>
          </li>
        ))}
      </ol>
      <p>
        <a href={feed}>Follow this item in a feed reader</a> (the address carries your own feed key:{' '}
        <a href="/changelog#feeds">about feed keys</a>) · <a href="/roadmap">The whole roadmap</a>
      </p>
    </>,
  );
}
