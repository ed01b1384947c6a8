import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { fetchAll, formatDate, printJson, wrap } from '../capabilities/cli-support.ts';
import { askChoice, bold, CliError, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type { NoteSchema, NoteSummarySchema, SynthesisSchema } from './api-schemas.ts';
import { registerOfficeHoursCli } from './cli-office-hours.ts';
import { canAsk, listWords, readJsonFile } from './cli-support.ts';
import { isDay, KIND_LABELS, NOTE_KINDS, SEVERITY_LABELS } from './model.ts';

type NoteJson = z.infer<typeof NoteSchema>;
type SummaryJson = z.infer<typeof NoteSummarySchema>;
type SynthesisJson = z.infer<typeof SynthesisSchema>;

const collect = (value: string, previous: string[]) => [...previous, value];

/** `step|severity[|capability[|minutes[|quote]]]` → a friction point for the API. */
export function parseFriction(text: string): Record<string, unknown> {
  const [step = '', severity = '', capability = '', minutes = '', ...quote] = text.split('|');
  const sev = Number(severity.trim());
  if (!step.trim() || !/^[1-3]$/.test(severity.trim()))
    throw new CliError(
      `--friction "${text}": write it as "step|severity 1-3[|capability[|minutes[|quote]]]", like "Wait for approval|3|deploy-pipeline|40".`,
      EXIT.usage,
    );
  const mins = minutes.trim();
  if (mins && !/^\d+$/.test(mins))
    throw new CliError(`--friction "${text}": minutes lost must be a whole number.`, EXIT.usage);
  return {
    step: step.trim(),
    severity: sev,
    capability: capability.trim() || null,
    minutesLost: mins ? Number(mins) : null,
    quote: quote.join('|').trim() || null,
  };
}

interface AddOpts {
  file?: string;
  kind?: string;
  date?: string;
  team?: string;
  persona: string[];
  workflow?: string;
  step: string[];
  summary?: string;
  friction: string[];
  input: boolean;
  json?: boolean;
}

/** The note to send: the file's fields, then the flags over them; asks or refuses what is missing. */
async function noteBody(io: Io, opts: AddOpts): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = opts.file ? await readJsonFile(io, opts.file) : {};
  if (opts.kind) body.kind = opts.kind;
  if (opts.date) {
    if (!isDay(opts.date))
      throw new CliError(`--date ${opts.date}: give a day like 2026-10-14.`, EXIT.usage);
    body.heldOn = opts.date;
  }
  if (opts.team) body.team = opts.team;
  if (opts.persona.length > 0)
    body.personas = opts.persona
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter(Boolean);
  if (opts.workflow) body.workflow = opts.workflow;
  if (opts.step.length > 0) body.steps = opts.step;
  if (opts.summary) body.summary = opts.summary;
  if (opts.friction.length > 0) body.frictions = opts.friction.map(parseFriction);
  body.heldOn ??= new Date().toISOString().slice(0, 10);
  const missing = [
    body.kind ? null : '--kind',
    body.workflow ? null : '--workflow',
    Array.isArray(body.steps) && body.steps.length > 0 ? null : '--step',
  ].filter((m): m is string => m !== null);
  if (missing.length === 0) return body;
  if (!canAsk(io, opts.input)) {
    throw new CliError(
      `Missing ${listWords(missing)}${opts.input ? ' (and this is not a terminal)' : ''}: pass ${missing.length === 1 ? 'it' : 'them'}, or --file note.json.`,
      EXIT.usage,
    );
  }
  const ask = io.stdin!.readLine!;
  if (!body.kind) body.kind = (await askChoice(io, 'Kind', NOTE_KINDS)) ?? '';
  if (!body.workflow)
    body.workflow = (await ask('Workflow, like "deploy a service": '))?.trim() ?? '';
  if (!Array.isArray(body.steps) || body.steps.length === 0) {
    const steps: string[] = [];
    io.err('Steps walked through, one per line; an empty line ends them.');
    for (;;) {
      const line = (await ask(`Step ${steps.length + 1}: `))?.trim();
      if (!line) break;
      steps.push(line);
    }
    body.steps = steps;
  }
  return body;
}

/** `paved research` and `paved office-hours`. */
export function registerResearchCli(program: Command, io: Io): void {
  const research = program
    .command('research')
    .description('research notes and the friction they found (platform team; calls the paved API)');

  withJson(
    research
      .command('list')
      .description('research notes, most recently held first')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(NOTE_KINDS))
      .option('--persona <tag>', 'only notes with this persona tag')
      .option('--capability <slug>', 'only notes with a friction point on this capability')
      .option('--period <period>', 'only notes held in this quarter (2026-Q4) or month (2026-11)'),
  ).action(
    async (opts: {
      kind?: string;
      persona?: string;
      capability?: string;
      period?: string;
      json?: boolean;
    }) => {
      const notes = await fetchAll<SummaryJson>(apiClient(io), '/research/notes', {
        kind: opts.kind,
        persona: opts.persona,
        capability: opts.capability,
        period: opts.period,
      });
      if (opts.json) return printJson(io, notes);
      if (notes.length === 0) {
        io.err('No research notes match. Record one with paved research add.');
        return;
      }
      io.out(
        formatTable(
          ['Id', 'Date', 'Kind', 'Workflow', 'Frictions'],
          notes.map((n) => [
            n.id,
            n.heldOn,
            KIND_LABELS[n.kind],
            n.workflow,
            String(n.frictions).padStart(9),
          ]),
        ),
      );
    },
  );

  withJson(
    research
      .command('show')
      .description('a note: steps, friction points with quotes, and what was made of them')
      .argument('<id>', 'the note’s id, from paved research list'),
  ).action(async (id: string, opts: { json?: boolean }) => {
    const note = await apiClient(io).get<NoteJson>(`/research/notes/${encodeURIComponent(id)}`);
    if (opts.json) return printJson(io, note);
    io.out(noteText(io, note));
  });

  withJson(
    research
      .command('add')
      .description('record a research note, from flags or a JSON file')
      .option('--file <note.json>', 'the note as the API takes it (- for standard input)')
      .addOption(new Option('--kind <kind>', 'what kind of session').choices(NOTE_KINDS))
      .option('--date <YYYY-MM-DD>', 'the day it took place (today by default)')
      .option('--team <slug>', 'the participant’s team (never their name)')
      .option('--persona <tag>', 'a persona tag, like cli-first (repeatable)', collect, [])
      .option('--workflow <text>', 'the workflow walked through, like "deploy a service"')
      .option('--step <text>', 'a step walked through, in order (repeatable)', collect, [])
      .option('--summary <text>', 'what you learned')
      .option(
        '--friction <spec>',
        'a friction point: "step|severity 1-3[|capability[|minutes lost[|quote]]]" (repeatable)',
        collect,
        [],
      )
      .option('--no-input', 'never ask; fail at once when something is missing'),
  ).action(async (opts: AddOpts) => {
    const body = await noteBody(io, opts);
    const note = await apiClient(io).request<NoteJson>('POST', '/research/notes', body);
    if (opts.json) return printJson(io, note);
    io.out(note.id);
    io.err(
      `Recorded the ${KIND_LABELS[note.kind].toLowerCase()} about ${note.workflow} with ${note.frictions.length} friction points. See it with paved research show ${note.id}.`,
    );
  });

  withJson(
    research
      .command('synthesis')
      .description('friction points ranked by frequency × severity (score = sum of severities)')
      .option('--persona <tag>', 'only notes with this persona tag')
      .option('--period <period>', 'only notes held in this quarter (2026-Q4) or month (2026-11)')
      .option('--limit <n>', 'how many friction points to show', '15'),
  ).action(async (opts: { persona?: string; period?: string; limit: string; json?: boolean }) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new CliError(`--limit ${opts.limit}: give a whole number of at least 1.`, EXIT.usage);
    const s = await apiClient(io).get<SynthesisJson>('/research/synthesis', {
      persona: opts.persona,
      period: opts.period,
    });
    if (opts.json) return printJson(io, s);
    if (s.ranked.length === 0) {
      io.err('No friction points match. They come from research notes: paved research add.');
      return;
    }
    io.err(
      `${s.occurrences} friction points from ${s.notes} notes${s.persona ? ` with the persona ${s.persona}` : ''}${s.period ? ` held in ${s.period}` : ''}. Score = sum of severities (1 annoying, 3 blocked).`,
    );
    io.out(
      formatTable(
        ['#', 'Workflow: step', 'Capability', 'Score', 'Seen', 'Minutes'],
        s.ranked
          .slice(0, limit)
          .map((r, i) => [
            String(i + 1),
            `${r.workflow}: ${r.step}`,
            r.capability?.slug ?? '-',
            String(r.score).padStart(5),
            String(r.occurrences).padStart(4),
            String(r.minutesLost).padStart(7),
          ]),
      ),
    );
  });

  registerOfficeHoursCli(program, io);
}

function noteText(io: Io, n: NoteJson): string {
  const out = [bold(io, `${KIND_LABELS[n.kind]}: ${n.workflow}`), ''];
  out.push(`Held on ${formatDate(n.heldOn)}${n.team ? ` · ${n.team.name}` : ''}`);
  if (n.personas.length > 0) out.push(`Personas: ${n.personas.join(', ')}`);
  if (n.summary) out.push('', wrap(n.summary));
  out.push('', 'Steps:');
  n.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s}`);
  });
  if (n.frictions.length > 0) {
    out.push('', 'Friction points:');
    for (const f of n.frictions) {
      const facts = [
        SEVERITY_LABELS[f.severity as 1 | 2 | 3],
        f.capability?.name,
        f.minutesLost !== null ? `${f.minutesLost} minutes lost` : null,
      ].filter(Boolean);
      out.push(`  - ${f.step} (${facts.join(', ')})  [${f.id}]`);
      if (f.quote) out.push(wrap(`“${f.quote}”`, '      '));
      for (const l of f.links) out.push(`      → ${l.kind}: ${l.title} (${l.status})`);
    }
  }
  return out.join('\n');
}
