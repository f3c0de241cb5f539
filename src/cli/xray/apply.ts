import type { XRayApi } from './aws';
import { plan, type Action, type Change } from './plan';
import type { Wanted } from './wanted';

export interface ApplyResult {
  readonly actions: readonly Action[];
  /** What was printed, one line per rule or group, then the totals. */
  readonly lines: readonly string[];
}

/**
 * Reads what X-Ray has (rules only when rules are wanted, groups only when groups are), works out the plan, and,
 * unless `dryRun`, makes the calls one at a time in file order: each line is printed as its call succeeds, so a
 * failure part-way leaves an exact account of what was done.
 */
export async function applyWanted(api: XRayApi, wanted: Wanted, dryRun: boolean, print: (line: string) => void): Promise<ApplyResult> {
  const [rules, groups] = await Promise.all([
    wanted.rules.length > 0 ? api.listRules() : Promise.resolve([]),
    wanted.groups.length > 0 ? api.listGroups() : Promise.resolve([]),
  ]);
  const actions = plan(wanted, rules, groups);
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    print(line);
  };
  for (const action of actions) {
    if (!dryRun) await perform(api, action);
    say(describe(action, dryRun));
  }
  const count = (op: Action['op']) => actions.filter((a) => a.op === op).length;
  const totals = `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged`;
  say(dryRun ? `Dry run: ${totals}; nothing was changed.` : `Done: ${totals.replace('to create', 'created').replace('to update', 'updated')}.`);
  return { actions, lines };
}

async function perform(api: XRayApi, action: Action): Promise<void> {
  if (action.op === 'unchanged') return;
  if (action.kind === 'rule') {
    if (action.op === 'create') await api.createRule(action.rule, action.tags);
    else await api.updateRule(action.update);
  } else if (action.op === 'create') {
    await api.createGroup(action.group, action.tags);
  } else {
    await api.updateGroup(action.group);
  }
}

function describe(action: Action, dryRun: boolean): string {
  const what = `${action.kind === 'rule' ? 'sampling rule' : 'group'} "${action.name}"`;
  switch (action.op) {
    case 'unchanged':
      return `${what}: unchanged`;
    case 'create': {
      const detail =
        action.kind === 'rule'
          ? `priority ${action.rule.Priority}, ${action.rule.ReservoirSize}/s then ${percent(action.rule.FixedRate)}, service ${action.rule.ServiceName} ${action.rule.HTTPMethod} ${action.rule.URLPath}`
          : `filter ${action.group.FilterExpression ?? '(none)'}`;
      return `${what}: ${dryRun ? 'would create' : 'created'} (${detail})`;
    }
    default:
      return `${what}: ${dryRun ? 'would update' : 'updated'} ${action.changes.map(change).join(', ')}`;
  }
}

function change(c: Change): string {
  return `${c.field} ${show(c.from)} → ${show(c.to)}`;
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

function percent(rate: number): string {
  return `${Math.round(rate * 10000) / 100}%`;
}
