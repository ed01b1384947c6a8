// "What this team uses", for the team page: capabilities it uses, has left
// or declined (and why), is exempt from, and the mandates that apply to it.

import type { Db } from '../core/db/index.ts';
import { DataTable, DateText } from '../core/ui/components.tsx';
import type { Team } from '../org/model.ts';
import type { Capability, DecisionCategory, Mandate } from './model.ts';
import { Why } from './pages-ledger.tsx';
import { capabilityPath, STATE_WORDS, Tag } from './pages-shared.tsx';
import { isEligible } from './service.ts';
import {
  getMandate,
  type LedgerState,
  ledgerStates,
  listCapabilities,
  listCategories,
  listExceptions,
  listReasons,
} from './store.ts';

type Use = LedgerState & { capability: Capability };

export interface TeamUse {
  team: Team;
  uses: Use[];
  declined: Use[];
  exempt: (Use & { exceptionId: string | null; until: string | null })[];
  required: {
    capability: Capability;
    mandate: Mandate;
    category?: DecisionCategory;
    state: string;
  }[];
  reasons: Map<string, string>;
}

/** What one team uses, derived from its ledger, and the mandates that apply to it. */
export async function teamUse(db: Db, team: Team): Promise<TeamUse> {
  const capabilities = await listCapabilities(db);
  const byId = new Map(capabilities.map((k) => [k.id, k]));
  const states: Use[] = (await ledgerStates(db, { teamId: team.id }))
    .filter((s) => byId.has(s.capabilityId))
    .map((s) => ({ ...s, capability: byId.get(s.capabilityId)! }))
    .sort((a, b) => a.capability.name.localeCompare(b.capability.name));
  const approved = await listExceptions(db, {
    teamIds: [team.id],
    status: ['approved'],
    limit: 500,
  });
  const categories = await listCategories(db);
  const required: TeamUse['required'] = [];
  for (const capability of capabilities) {
    if (capability.obligation !== 'mandatory' || !(await isEligible(db, capability, team.id)))
      continue;
    const mandate = await getMandate(db, capability.id);
    if (!mandate) continue;
    required.push({
      capability,
      mandate,
      category: categories.find((k) => k.key === mandate.category),
      state: states.find((s) => s.capabilityId === capability.id)?.state ?? 'none',
    });
  }
  return {
    team,
    uses: states.filter((s) => s.state === 'trial' || s.state === 'adopted'),
    declined: states.filter((s) => s.state === 'left' || s.state === 'opted-out'),
    exempt: states
      .filter((s) => s.state === 'exempt')
      .map((s) => {
        const e = approved.items.find((x) => x.capabilityId === s.capabilityId);
        return { ...s, exceptionId: e?.id ?? null, until: e?.expiresOn ?? null };
      }),
    required,
    reasons: new Map((await listReasons(db)).map((r) => [r.key, r.label])),
  };
}

const CapabilityLink = ({ capability }: { capability: Capability }) => (
  <a href={capabilityPath(capability.slug)}>{capability.name}</a>
);

/** The section itself: four short tables, each with what would fill it. */
export function TeamUseSection({ data }: { data: TeamUse }) {
  const { team, reasons } = data;
  return (
    <section aria-labelledby="team-uses">
      <h2 id="team-uses">What this team uses</h2>
      <p>
        What {team.name} has chosen from the platform, and what is required of it and why.{' '}
        <a href="/capabilities">Browse the capabilities</a>.
      </p>
      <DataTable
        caption={`Capabilities ${team.name} uses`}
        rows={data.uses}
        empty={`${team.name} has not recorded using any capability yet. Open one in the catalog to adopt it or start a trial.`}
        columns={[
          { label: 'Capability', cell: (u) => <CapabilityLink capability={u.capability} /> },
          { label: 'State', cell: (u) => <Tag>{STATE_WORDS[u.state]}</Tag> },
          { label: 'Since', cell: (u) => (u.since ? <DateText iso={u.since} /> : '—') },
        ]}
      />
      <DataTable
        caption={`Capabilities ${team.name} left or opted out of`}
        rows={data.declined}
        empty={`${team.name} has not left or opted out of any capability.`}
        columns={[
          { label: 'Capability', cell: (u) => <CapabilityLink capability={u.capability} /> },
          { label: 'What it did', cell: (u) => <Tag>{STATE_WORDS[u.state]}</Tag> },
          { label: 'Since', cell: (u) => (u.since ? <DateText iso={u.since} /> : '—') },
          {
            label: 'Why',
            cell: (u) => <Why reason={u.reason} text={u.reasonText} reasons={reasons} />,
          },
          { label: 'Uses instead', cell: (u) => u.alternative ?? '—' },
        ]}
      />
      {data.exempt.length > 0 ? (
        <DataTable
          caption={`Required capabilities ${team.name} is exempt from`}
          rows={data.exempt}
          columns={[
            { label: 'Capability', cell: (u) => <CapabilityLink capability={u.capability} /> },
            {
              label: 'Exempt until',
              cell: (u) =>
                u.exceptionId ? (
                  <a href={`/exceptions/${encodeURIComponent(u.exceptionId)}`}>
                    {u.until ? <DateText iso={u.until} /> : 'See the exception'}
                  </a>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      ) : null}
      <DataTable
        caption={`Required of ${team.name}, and why`}
        rows={data.required}
        empty={`Nothing is required of ${team.name}: every capability is its choice.`}
        columns={[
          { label: 'Capability', cell: (r) => <CapabilityLink capability={r.capability} /> },
          { label: 'Why it is required', cell: (r) => r.mandate.reason },
          { label: 'Who required it', cell: (r) => r.category?.label ?? r.mandate.category },
          {
            label: `${team.name} now`,
            cell: (r) => <Tag>{STATE_WORDS[r.state as keyof typeof STATE_WORDS] ?? r.state}</Tag>,
          },
        ]}
      />
    </section>
  );
}
